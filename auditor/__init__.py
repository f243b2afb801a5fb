"""gdpr-auditor: audit a service's database against the GDPR purposes it declares."""

__version__ = "0.1.0"
