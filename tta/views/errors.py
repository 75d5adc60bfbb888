"""How TTA views show a refused action: the service's message, as the person should read it."""

from config.errors import NotPermitted, ServiceError


def shown(error: ServiceError) -> str:
    """The message to show for a refused action; a missing right stays a 403, as before."""
    if isinstance(error, NotPermitted):
        raise error
    return str(error)
