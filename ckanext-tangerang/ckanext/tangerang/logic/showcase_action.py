"""Actions of the showcase (``showcase``); the docstrings are the API documentation. Every
public function here is an action (``plugin._actions``), each with its auth function of the
same name in ``logic/auth.py``."""

from __future__ import annotations

import re
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.navl.dictization_functions import missing
from ckan.types import Context, DataDict, Schema, Validator, ValidatorFactory

from ckanext.tangerang import showcase
from ckanext.tangerang.logic.action import _access_first
from ckanext.tangerang.logic.data_request_action import TEXT_MAX, TITLE_MAX, _text, _user

NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,99}$")
URL_MAX = 1000


def _name(value: Any) -> Any:
    text = str(value).strip()
    if not NAME.match(text):
        raise tk.Invalid(
            tk._("Use 2 to 100 lowercase letters, digits and dashes, e.g. aplikasi-parkir")
        )
    return text


def _link(value: Any) -> Any:
    """An http(s) link; empty: none."""
    text = str(value).strip()
    if not text:
        return None
    if len(text) > URL_MAX or not re.match(r"^https?://[^\s<>\"']+$", text):
        raise tk.Invalid(tk._("Enter a web address starting with https://"))
    return text


def _image_url(value: Any) -> Any:
    """An https URL or an image shipped with the extension; empty: none. Uploaded files get
    their name from the uploader, not from the caller."""
    text = str(value).strip()
    if not text:
        return None
    if showcase.SHIPPED_IMAGE.match(text):
        return text
    if len(text) > URL_MAX or not re.match(r"^https://[^\s<>\"']+$", text):
        raise tk.Invalid(tk._("The image address must start with https://"))
    return text


def _organization_id(value: Any) -> Any:
    text = str(value).strip()
    if not text:
        return None
    group = model.Group.get(text)
    if group is None or not group.is_organization or group.state != "active":
        raise tk.Invalid(tk._("Unknown organization"))
    return group.id


def _package_ids(value: Any) -> Any:
    """Active, public datasets by id or name (a list, or text separated by commas, spaces or
    lines), as their ids."""
    names = value if isinstance(value, list) else re.split(r"[\s,]+", str(value))
    ids = []
    for name in (str(n).strip() for n in names):
        if not name:
            continue
        package = model.Package.get(name)
        if package is None or package.state != "active" or package.private:
            raise tk.Invalid(tk._("No published dataset {name}").format(name=name))
        ids.append(package.id)
    return ids


@tk.validator_args
def _save_schema(ignore_missing: Validator, unicode_safe: Validator) -> Schema:
    return {
        "name": [ignore_missing, unicode_safe, _name],
        "type": [ignore_missing, unicode_safe, _type],
        "title": [ignore_missing, unicode_safe, _text(TITLE_MAX)],
        "description": [ignore_missing, unicode_safe, _text(TEXT_MAX)],
        "image_url": [ignore_missing, unicode_safe, _image_url],
        "image_upload": [ignore_missing],
        "clear_upload": [ignore_missing],
        "partner_organization": [ignore_missing, unicode_safe, _organization_id],
        "partner_name": [ignore_missing, unicode_safe, _optional_text],
        "url": [ignore_missing, unicode_safe, _link],
        "packages": [ignore_missing, _package_ids],
    }


def _type(value: Any) -> Any:
    if value not in showcase.TYPES:
        raise tk.Invalid(tk._("Choose one of: {types}").format(types=", ".join(showcase.TYPES)))
    return value


def _optional_text(value: Any) -> Any:
    text = str(value).strip()
    if len(text) > TITLE_MAX:
        raise tk.Invalid(tk._("At most {limit} characters").format(limit=TITLE_MAX))
    return text or None


@tk.validator_args
def _update_schema(not_empty: Validator, unicode_safe: Validator) -> Schema:
    return {**_save_schema(), "id": [not_empty, unicode_safe]}


@tk.validator_args
def _show_schema(not_empty: Validator, unicode_safe: Validator) -> Schema:
    return {"id": [not_empty, unicode_safe]}


@tk.validator_args
def _list_schema(
    ignore_missing: Validator,
    default: ValidatorFactory,
    unicode_safe: Validator,
    natural_number_validator: Validator,
    limit_to_configured_maximum: ValidatorFactory,
    convert_package_name_or_id_to_id: Validator,
) -> Schema:
    return {
        "type": [ignore_missing, _type],
        "package_id": [ignore_missing, unicode_safe, convert_package_name_or_id_to_id],
        "limit": [
            default(24),
            natural_number_validator,
            limit_to_configured_maximum("ckanext.tangerang.run_report_list_max", 100),
        ],
        "offset": [default(0), natural_number_validator],
    }


def _save(context: Context, item: showcase.Showcase | None, data: DataDict) -> dict[str, Any]:
    """Check what create and update share, store the image, write the item."""
    data = {k: v for k, v in data.items() if v is not missing}
    errors: dict[str, list[str]] = {}
    required = ("type", "title", "description") if item is None else ()
    for field in required:
        if not data.get(field):
            errors[field] = [tk._("Missing value")]
    has_upload = bool(getattr(data.get("image_upload"), "filename", None))
    if has_upload:
        showcase.check_image(data["image_upload"])
    partner = data.get("partner_organization", item.partner_organization_id if item else None)
    partner_name = data.get("partner_name", item.partner_name if item else None)
    if not partner and not partner_name:
        errors["partner_name"] = [tk._("Name the partner: an organization or a name")]
    if "name" not in data and item is None and data.get("title"):
        from ckan.lib.munge import munge_title_to_name

        data["name"] = munge_title_to_name(data["title"])[:100]
    name = data.get("name")
    if name and (other := showcase.get(name)) is not None and other is not item:
        errors["name"] = [tk._("That name is already used by another item")]
    if errors:
        raise tk.ValidationError(errors)
    upload = showcase.store_image(data, item.image_url if item else None) if has_upload else None
    saved = showcase.save(item, data, _user(context))
    if upload is not None:
        upload.upload(tk.config.get("ckanext.tangerang.showcase_image_max_mb"))
    model.Session.commit()
    return showcase.as_dict(saved)


@_access_first
@tk.validate(_save_schema)
def tangerang_showcase_create(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Add an item to the showcase (*galeri pemanfaatan*): the walidata and sysadmins.

    :param type: ``aplikasi`` (application), ``riset`` (research) or ``branding`` (branding
        campaign)
    :type type: string
    :param title: at most 200 characters
    :type title: string
    :param description: at most 4000 characters
    :type description: string
    :param name: the item's address ``/galeri/<name>``: 2 to 100 lowercase letters, digits
        and dashes (optional: made from the title)
    :type name: string
    :param image_url: an https URL of the image (optional)
    :type image_url: string
    :param image_upload: a PNG or JPEG file instead (multipart; at most
        ``ckanext.tangerang.showcase_image_max_mb`` MB)
    :type image_upload: file
    :param partner_organization: id or name of the partner organization (this or
        ``partner_name`` is required)
    :type partner_organization: string
    :param partner_name: the partner's name when it is no organization of the catalog
    :type partner_name: string
    :param url: the item's link, http(s) (optional)
    :type url: string
    :param packages: ids or names of the published datasets it uses (a list, or text
        separated by commas)
    :type packages: list of strings

    :returns: the item, as ``tangerang_showcase_show`` returns it
    :rtype: dict
    """
    return _save(context, None, data_dict)


@_access_first
@tk.validate(_update_schema)
def tangerang_showcase_update(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Change an item of the showcase (the walidata and sysadmins). Takes the parameters of
    ``tangerang_showcase_create``; a parameter left out keeps its value, ``packages`` given
    replaces the list.

    :param id: the item's id or name
    :type id: string

    :returns: the item, as ``tangerang_showcase_show`` returns it
    :rtype: dict
    """
    item = showcase.get(data_dict.pop("id"))
    if item is None:
        raise tk.ObjectNotFound(tk._("Showcase item not found"))
    return _save(context, item, data_dict)


@tk.side_effect_free
@_access_first
@tk.validate(_show_schema)
def tangerang_showcase_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """One item of the showcase. Public.

    :param id: the item's id or name
    :type id: string

    :returns: ``id``, ``name``, ``type``, ``title``, ``description``, ``image_url``,
        ``image_display_url``, ``partner_organization`` (``id``, ``name``, ``title``, or
        null), ``partner_name``, ``url``, ``packages`` (the active, public datasets it uses:
        ``id``, ``name``, ``title``), ``created``, ``modified``
    :rtype: dict
    """
    item = showcase.get(data_dict["id"])
    if item is None:
        raise tk.ObjectNotFound(tk._("Showcase item not found"))
    return showcase.as_dict(item)


@tk.side_effect_free
@_access_first
@tk.validate(_list_schema)
def tangerang_showcase_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The showcase's items, newest first. Public.

    :param type: only items of this type (optional)
    :type type: string
    :param package_id: only items using this dataset (id or name; optional)
    :type package_id: string
    :param limit: at most this many (default 24)
    :type limit: int
    :param offset: skip this many (default 0)
    :type offset: int

    :returns: ``{"count": total, "results": [item, ...]}``
    :rtype: dict
    """
    total, rows = showcase.search(
        data_dict.get("type"), data_dict.get("package_id"), data_dict["limit"], data_dict["offset"]
    )
    return {"count": total, "results": [showcase.as_dict(row) for row in rows]}
