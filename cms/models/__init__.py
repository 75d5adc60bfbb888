"""The CMS's models: site settings, media, and the page types, one module per content area."""

from cms.models.briefs import BriefIndexPage, EvidenceBriefPage
from cms.models.home import HomeFeaturedPractice, HomePage
from cms.models.media import CommonsDocument, CommonsImage, CommonsRendition
from cms.models.practices import EvidenceLevel, PracticeIndexPage, PracticePage
from cms.models.resources import ResourceIndexPage, ResourcePage
from cms.models.site_settings import GRANT_NOTICE, SiteSettings
from cms.models.standard import ContactFormField, ContactPage, StandardPage

__all__ = [
    "GRANT_NOTICE",
    "BriefIndexPage",
    "CommonsDocument",
    "CommonsImage",
    "CommonsRendition",
    "ContactFormField",
    "ContactPage",
    "EvidenceBriefPage",
    "EvidenceLevel",
    "HomeFeaturedPractice",
    "HomePage",
    "PracticeIndexPage",
    "PracticePage",
    "ResourceIndexPage",
    "ResourcePage",
    "SiteSettings",
    "StandardPage",
]
