"""kefu (客服): self-hosted, multilingual, omnichannel customer support for exchanges."""

__version__ = "0.1.0"
