"""Forum: the members-only peer forum. The core (topics and posts) sits at the top of the package;
moderation, conversations, attachments, drafts, notifications and expertise are sub-packages, each with
its models, services, views and URLs (forum/README.md)."""
