"""CKAN core messages that CKAN 2.12's Indonesian catalog leaves untranslated.

The catalogs of plugins are merged over CKAN's own, so translating these
message ids in ``i18n/id`` makes the pages we show (dataset, search, home)
read in Bahasa Indonesia throughout (tests/ckanext_tangerang/test_i18n.py renders
them and looks for core text left in English). Listed here only so that
``pybabel extract`` keeps them in ``ckanext-tangerang.pot``; nothing calls this.
"""

from __future__ import annotations


def _(message: str) -> str:
    return message


def ngettext(singular: str, plural: str) -> tuple[str, str]:
    return singular, plural


CORE_MESSAGES = (
    _("Skip to main content"),
    _("Log in"),
    _("Search Datasets..."),
    _("Search datasets..."),
    _("Social"),
    _("There is no description for this organization."),
    _("Activity Stream"),
    _("Data and Resources"),
    _("This dataset has no data"),
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
    # Header, footer and search box of every page
    _("Account"),
    _("Toggle navigation"),
    _("Breadcrumb"),
    _("Submit"),
    _("close"),
    _("read more"),
    # Home page
    _("Welcome to CKAN"),
    _(
        "This is a nice introductory paragraph about CKAN or the site in general. "
        "We don't have any copy to go here yet but soon we will"
    ),
    _("This is a featured section"),
    _("Placeholder"),
    _("Search data"),
    _("Search datasets"),
    _("E.g. environment"),
    _("Popular tags"),
    # Dataset and resource pages
    _("Go to resource"),
    _("Data last updated"),
    _("Metadata last updated"),
    _("Dataset description:"),
    _("URL:"),
    _("There are no views created for this resource yet."),
    # Producers (organizations) and groups
    _("What are Organizations?"),
    _(
        "CKAN Organizations are used to create, manage and publish collections of datasets. "
        "Users can have different roles within an Organization, depending on their level "
        "of authorisation to create, edit and publish."
    ),
    _("Search organizations..."),
    _("What are Groups?"),
    _(
        "You can use CKAN Groups to create and manage collections of datasets. This could "
        "be to catalogue datasets for a particular project or team, or on a particular "
        "theme, or as a very simple way to help people find and search your own published "
        "datasets."
    ),
    _("Search groups..."),
    _("No groups found"),
    _("There are currently no groups for this site."),
    # Result counts, members and facet links of the search, producer and dimension pages
    ngettext("{number} dataset found", "{number} datasets found"),
    ngettext('{number} dataset found for "{query}"', '{number} datasets found for "{query}"'),
    _("No datasets found"),
    _('No datasets found for "{query}"'),
    ngettext("{number} organization found", "{number} organizations found"),
    ngettext(
        '{number} organization found for "{query}"', '{number} organizations found for "{query}"'
    ),
    _("No organizations found"),
    _('No organizations found for "{query}"'),
    ngettext("{number} group found", "{number} groups found"),
    ngettext('{number} group found for "{query}"', '{number} groups found for "{query}"'),
    _('No groups found for "{query}"'),
    ngettext("{num} Dataset", "{num} Datasets"),
    _("0 Datasets"),
    ngettext("{num} Member", "{num} Members"),
    _("0 Members"),
    _("View {name}"),
    _("View {organization_name}"),
    _("Show More {facet_type}"),
    _("Show Only Popular {facet_type}"),
    _("You can also access this registry using the %(api_link)s (see %(api_doc_link)s)."),
    # Error pages
    _("Dataset not found or you have no permission to view it"),
)
