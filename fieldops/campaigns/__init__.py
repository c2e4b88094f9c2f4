"""Campaigns (plans), their phases, the communes they cover and the services they count."""

from fieldops.campaigns.views import bp

__all__ = ["bp"]
