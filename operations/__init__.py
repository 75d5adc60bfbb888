"""Operations: backups of the database and file stores, restoring them, and the nightly backup job."""
