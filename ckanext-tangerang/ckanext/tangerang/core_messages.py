"""CKAN core messages that CKAN 2.12's Indonesian catalog leaves untranslated.

The catalogs of plugins are merged over CKAN's own, so translating these
message ids in ``i18n/id`` makes the pages we show (dataset, search, home)
read in Bahasa Indonesia throughout. Listed here only so that
``pybabel extract`` keeps them in ``ckanext-tangerang.pot``; nothing calls this.
"""

from __future__ import annotations


def _(message: str) -> str:
    return message


CORE_MESSAGES = (
    _("Skip to main content"),
    _("Log in"),
    _("Search Datasets..."),
    _("Search datasets..."),
    _("Social"),
    _("There is no description for this organization."),
    _("Activity Stream"),
    _("Data and Resources"),
    _("Explore"),
    _("More information"),
    _("Additional Info"),
    _("Field"),
    _("Language"),
    _("Go"),
    _("Filter Results"),
    _("Order by"),
    _("Name Ascending"),
    _("Name Descending"),
)
