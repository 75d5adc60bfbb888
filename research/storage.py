"""Where research files live: protected storage no web server serves.

Dataset files, executed notebooks and figures may hold sensitive data, so they
sit in the "research" part of the protected storage (config.storage) and are
only sent through views that ask ``research.access`` first.
"""

from config.storage import protected_storage


def research_storage():
    # A callable (referenced by migrations), so migrations record no
    # machine's path and the storage follows the settings of the moment.
    return protected_storage("research")
