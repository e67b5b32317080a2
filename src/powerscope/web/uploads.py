"""Safe storage of uploads: CSV datasets, YAML index specs and dynamics scenarios.

An upload is checked completely before anything is written: a dataset must be UTF-8 CSV with a
header, a unit code column (``code`` or COINr's ``uCode``), unique codes and at least one
numeric column; a spec must be YAML that :func:`powerscope.index.spec.parse_spec` accepts, with
a safe index name, no ``derive`` function, and a ``data_file`` (if any) naming an uploaded
dataset that has the spec's indicator columns; a scenario must be a YAML or JSON mapping that
:func:`powerscope.dynamics.scenario.parse_scenario` accepts, with a safe name that is not a
shipped scenario's. The client's file name is only kept, sanitised,
as a label: the file is stored as ``<id>.csv`` or ``<id>.yaml`` (a random id; a scenario as the YAML of its checked mapping) under
``<upload dir>/<kind>/`` (default ``$POWERSCOPE_HOME/uploads``), written atomically (a temporary
file renamed into place), mode 0644, beside a ``<id>.json`` record of its name, size and sha256.
Uploads never touch the warehouse. Saving a scenario name again keeps its newest
:data:`SCENARIO_VERSIONS` versions (10) and deletes the older ones; temporary files left by a
killed server are removed when the store is next opened.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
import secrets
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from powerscope.errors import DataFormatError, SpecError
from powerscope.files import load_yaml, remove_stale_temporaries, write_atomic
from powerscope.index.spec import IndexSpec, parse_spec
from powerscope.web.errors import (
    ConflictError,
    NotFoundError,
    TooLargeError,
    UnsupportedTypeError,
)

if TYPE_CHECKING:
    from powerscope.dynamics.scenario import Scenario

#: the largest upload accepted, in bytes (5 MB)
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
KINDS: dict[str, tuple[str, ...]] = {
    "datasets": (".csv",),
    "specs": (".yaml", ".yml"),
    "scenarios": (".yaml", ".yml", ".json"),
}
STORED_SUFFIX = {"datasets": ".csv", "specs": ".yaml", "scenarios": ".yaml"}
WHAT_KIND = {
    "datasets": "a CSV dataset",
    "specs": "a YAML index spec",
    "scenarios": "a YAML or JSON scenario",
}
#: the largest scenario accepted, in bytes (64 KB: a scenario is a few lines)
MAX_SCENARIO_BYTES = 64 * 1024
#: the versions of one saved scenario name kept (the newest; older ones are deleted on save)
SCENARIO_VERSIONS = 10
CODE_COLUMNS = ("uCode", "code")
INDEX_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
MAX_SPEC_NODES = 5000
#: a table name an uploaded spec may give (then it must also be one of the store's tables)
TABLE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")
_ID = re.compile(r"[0-9a-f]{16}")


def sanitise_filename(name: str | None, kind: str) -> str:
    """The client's file name reduced to a safe label: no directories, no '..', no odd
    characters, at most 100 characters, and an extension allowed for ``kind``.

    Raises
    ------
    UnsupportedTypeError
        The extension is not allowed (a ``.csv`` for datasets, ``.yaml``/``.yml`` for specs).
    """
    allowed = KINDS[kind]
    base = re.split(r"[\\/]", str(name or ""))[-1].replace("\x00", "")
    base = _UNSAFE.sub("_", base)
    base = re.sub(r"\.{2,}", ".", base).strip(" .")
    suffix = Path(base).suffix.lower()
    if suffix not in allowed:
        raise UnsupportedTypeError(
            f"file {base or '(no name)'!r} is not a {' or '.join(allowed)} file",
            where=f"upload of {kind}",
            fix=f"upload {WHAT_KIND[kind]} named *{allowed[0]}",
        )
    stem = Path(base).stem[: 100 - len(suffix)] or "upload"
    return stem + suffix


def _text(content: bytes, where: str) -> str:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataFormatError(
            f"not UTF-8 text (byte {exc.start})", where=where, fix="save the file as UTF-8"
        ) from None
    if "\x00" in text:
        raise DataFormatError("the file holds NUL bytes", where=where, fix="upload a text file")
    return text


def check_csv(content: bytes, where: str) -> dict[str, Any]:
    """Check a dataset CSV; return its columns, row count, code column and numeric columns.

    Raises
    ------
    DataFormatError
        Not UTF-8 CSV, no header, no ``code``/``uCode`` column, ragged or empty rows, missing or
        repeated codes, or no numeric column (every non-empty value a finite number).
    """
    text = _text(content, where)
    try:
        rows = [r for r in csv.reader(io.StringIO(text, newline="")) if any(c.strip() for c in r)]
    except csv.Error as exc:
        raise DataFormatError(f"not valid CSV: {exc}", where=where) from None
    if not rows:
        raise DataFormatError("the CSV is empty", where=where, fix="give a header and rows")
    header = [c.strip() for c in rows[0]]
    if any(not c for c in header) or len(set(header)) != len(header):
        raise DataFormatError(
            "the header has empty or repeated column names",
            where=f"{where}, row 1",
            fix="name every column once",
        )
    code_col = next((c for c in CODE_COLUMNS if c in header), None)
    if code_col is None:
        raise DataFormatError(
            "no unit code column",
            where=f"{where}, row 1",
            fix="add a 'code' (or COINr 'uCode') column of country codes",
        )
    body = rows[1:]
    if not body:
        raise DataFormatError("the CSV has a header but no rows", where=where)
    for number, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise DataFormatError(
                f"{len(row)} cells where the header has {len(header)}",
                where=f"{where}, row {number}",
                fix="give every row one cell per column",
            )
    j = header.index(code_col)
    codes = [row[j].strip() for row in body]
    seen: set[str] = set()
    for number, code in enumerate(codes, start=2):
        if not code or code in seen:
            raise DataFormatError(
                f"{'missing' if not code else 'repeated'} code {code!r}",
                where=f"{where}, row {number}, column {code_col!r}",
                fix="give every row its own unit code",
            )
        seen.add(code)
    numeric = [c for i, c in enumerate(header) if c != code_col and _numeric(r[i] for r in body)]
    if not numeric:
        raise DataFormatError(
            "no numeric column",
            where=where,
            fix="give at least one indicator column of numbers (missing values empty)",
        )
    return {"columns": header, "rows": len(body), "code_column": code_col, "numeric": numeric}


def _numeric(cells: Any) -> bool:
    present = 0
    for cell in cells:
        cell = cell.strip()
        if not cell:
            continue
        try:
            if not math.isfinite(float(cell)):
                return False
        except ValueError:
            return False
        present += 1
    return present > 0


#: mappings and lists an uploaded spec may hold, counted before it is built: an index node is a
#: mapping and its ``children`` a list, so twice :data:`MAX_SPEC_NODES` and room for the rest
MAX_SPEC_COLLECTIONS = 2 * MAX_SPEC_NODES + 1000


def parse_spec_upload(content: bytes, where: str) -> dict[str, Any]:
    """The YAML mapping of an uploaded spec: no aliases (no expansion bombs), bounded depth, at
    most :data:`MAX_SPEC_COLLECTIONS` mappings and lists (a spec far over
    :data:`MAX_SPEC_NODES` nodes is refused before it is built or compiled)."""
    return load_yaml_mapping(
        content,
        where,
        what="an index spec",
        fix="see powerscope/indices/ceti.yaml",
        max_collections=MAX_SPEC_COLLECTIONS,
    )


def load_yaml_mapping(
    content: bytes, where: str, *, what: str, fix: str, max_collections: int | None = None
) -> dict[str, Any]:
    """The YAML (or JSON) mapping in an upload: no aliases (no expansion bombs), bounded depth.

    Raises
    ------
    SpecError
        Not UTF-8, not YAML, YAML aliases, nested too deeply, or not a mapping (``what`` must be
        one; ``fix`` says where its format is described).
    """
    text = _text(content, where)
    raw = load_yaml(text, where, error=SpecError, max_aliases=0, max_collections=max_collections)
    if not isinstance(raw, dict):
        raise SpecError(f"{what} must be a mapping", where=where, fix=fix)
    return raw


def check_table(table: object, tables: list[str], where: str) -> str:
    """The ``table`` an uploaded spec names, when it is one of ``tables`` (the store's built-in
    tables; internal ones, starting with ``_``, excluded).

    Raises
    ------
    SpecError
        Anything else: a path (``/tmp/x``, ``../..``), a name that is not a table, or not a
        name at all, with the same words whatever lies on the disk (nothing is looked up).
    """
    allowed = sorted(t for t in tables if not t.startswith("_"))
    if isinstance(table, str) and TABLE_NAME.fullmatch(table) and table in allowed:
        return table
    shown = table if isinstance(table, str) and TABLE_NAME.fullmatch(table) else "(a path)"
    if not isinstance(table, str):
        shown = f"(a {type(table).__name__})"
    raise SpecError(
        f"no table {shown} among the built-in tables",
        where=f"{where}: table",
        parameter="table",
        fix="name a built-in table (" + ", ".join(allowed[:40]) + ") in 'table', or upload a "
        "CSV (POST /api/uploads/datasets) and name it in 'data_file'",
    )


def check_scenario(
    content: bytes, where: str, reserved: list[str], *, json_body: bool = False
) -> tuple[Scenario, bytes]:
    """Parse and validate an uploaded scenario; return it and the YAML to store.

    ``content`` is YAML (or JSON, which ``json_body`` reads strictly as JSON). The scenario is
    validated by :func:`powerscope.dynamics.scenario.parse_scenario` (known parameters, values
    in range, years in order); its ``name`` must be a safe name and not one of ``reserved``
    (the shipped scenarios).

    Raises
    ------
    TooLargeError
        Over :data:`MAX_SCENARIO_BYTES`.
    SpecError
        Not a valid scenario (what, where and how to fix), or an unsafe name.
    ConflictError
        The name is a shipped scenario's.
    """
    import yaml

    from powerscope.dynamics.scenario import parse_scenario

    if len(content) > MAX_SCENARIO_BYTES:
        raise TooLargeError(
            f"scenario larger than {MAX_SCENARIO_BYTES // 1024} KB",
            where=where,
            fix="a scenario is a few lines: name, set, add, scale, uncertain",
        )
    fix = "write a scenario as in docs/dynamics.md: name, set, add, scale, uncertain"
    if json_body:
        try:
            raw = json.loads(_text(content, where))
        except (ValueError, RecursionError) as exc:
            raise SpecError(f"not valid JSON: {exc}", where=where, fix=fix) from None
        if not isinstance(raw, dict):
            raise SpecError("a scenario must be a mapping", where=where, fix=fix)
    else:
        raw = load_yaml_mapping(content, where, what="a scenario", fix=fix)
    scenario = parse_scenario(raw, where=where)
    if not INDEX_NAME.fullmatch(scenario.name):
        raise SpecError(
            f"scenario name {scenario.name!r} is not a safe name",
            where=f"{where}: name",
            fix="use letters, digits, '_' and '-' (at most 64), starting with a letter or digit",
        )
    if scenario.name.casefold() in {r.casefold() for r in reserved}:
        raise ConflictError(
            f"scenario name {scenario.name!r} is a shipped scenario",
            where=f"{where}: name",
            fix="give your scenario another name",
        )
    try:
        stored = yaml.safe_dump(raw, sort_keys=False, allow_unicode=True).encode("utf-8")
    except yaml.YAMLError as exc:
        raise SpecError(f"the scenario cannot be stored: {exc}", where=where, fix=fix) from None
    return scenario, stored


class UploadStore:
    """Uploaded files under ``root/<kind>/``, each with a JSON record beside it."""

    def __init__(
        self,
        root: Path,
        max_bytes: int = MAX_UPLOAD_BYTES,
        scenario_versions: int = SCENARIO_VERSIONS,
    ) -> None:
        if scenario_versions < 1:
            raise SpecError(
                f"scenario_versions must be >= 1, not {scenario_versions}",
                parameter="scenario_versions",
                fix=f"keep at least the newest version (default {SCENARIO_VERSIONS})",
            )
        self.root = Path(root)
        self.max_bytes = max_bytes
        self.scenario_versions = scenario_versions
        for kind in KINDS:  # temporary files of uploads cut short by a killed server
            remove_stale_temporaries(self.root / kind)

    # -- reading ---------------------------------------------------------------------------
    def folder(self, kind: str) -> Path:
        if kind not in KINDS:
            raise NotFoundError(f"no upload kind {kind!r}", fix="use datasets or specs")
        return self.root / kind

    def records(self, kind: str | None = None) -> list[dict[str, Any]]:
        """Records of the uploads (of one kind), oldest first."""
        records = []
        for k in [kind] if kind else list(KINDS):
            folder = self.folder(k)
            if not folder.is_dir():
                continue
            for meta in folder.glob("*.json"):
                if not _ID.fullmatch(meta.stem):
                    continue
                try:
                    record = json.loads(meta.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    continue
                if (folder / str(record.get("stored", ""))).is_file():
                    records.append(record)
        return sorted(records, key=lambda r: (r.get("created_ns", 0), r.get("id", "")))

    def record(self, kind: str, upload_id: str) -> dict[str, Any]:
        for record in self.records(kind):
            if record["id"] == upload_id:
                return record
        raise NotFoundError(f"no uploaded {kind[:-1]} {upload_id!r}", fix="GET /api/uploads")

    def path(self, kind: str, upload_id: str) -> Path:
        return self.folder(kind) / str(self.record(kind, upload_id)["stored"])

    def find_dataset(self, ref: str) -> dict[str, Any]:
        """An uploaded dataset by its id or its file name (the newest of that name)."""
        matches = [r for r in self.records("datasets") if ref in (r["id"], r["name"], r["stored"])]
        if not matches:
            names = ", ".join(f"{r['name']} ({r['id']})" for r in self.records("datasets"))
            raise SpecError(
                f"data_file {ref!r} is not an uploaded dataset",
                where="spec upload",
                fix="upload the CSV first (POST /api/uploads/datasets) and name it by its id or "
                "file name in 'data_file'" + (f"; uploaded: {names}" if names else ""),
            )
        return matches[-1]

    def spec(self, upload_id: str) -> IndexSpec:
        """An uploaded spec, its ``data_file`` bound to the uploaded dataset's stored file."""
        record = self.record("specs", upload_id)
        path = self.folder("specs") / str(record["stored"])
        raw = parse_spec_upload(path.read_bytes(), str(record["name"]))
        spec = parse_spec(raw, where=str(record["name"]))
        return self._bind(spec, record.get("data_file"))

    def _bind(self, spec: IndexSpec, dataset_id: str | None) -> IndexSpec:
        if not dataset_id:
            return spec
        data = self.folder("datasets") / str(self.record("datasets", dataset_id)["stored"])
        return replace(spec, extra={**spec.extra, "data_file": str(data.resolve())})

    # -- writing ---------------------------------------------------------------------------
    def check_spec(
        self,
        content: bytes,
        filename: str,
        reserved: list[str],
        tables: list[str] | None = None,
    ) -> tuple[IndexSpec, dict[str, Any]]:
        """Parse and validate an uploaded spec; return it (data bound) and its record fields.

        Its ``table`` (if any) must be one of ``tables`` (the store's built-in tables, by
        name): a path or any other name is refused alike (:func:`check_table`), so a spec can
        read no file outside the data folders nor learn whether one exists.
        """
        raw = parse_spec_upload(content, filename)
        if "derive" in raw:
            raise SpecError(
                "an uploaded spec cannot name a 'derive' function",
                where=filename,
                fix="give 'data_file' (an uploaded CSV) or 'table' (a warehouse table)",
            )
        try:
            spec = parse_spec(raw, where=filename)
        except RecursionError:
            raise SpecError("the index tree is nested too deeply", where=filename) from None
        if not INDEX_NAME.fullmatch(spec.id):
            raise SpecError(
                f"index id {spec.id!r} is not a safe name",
                where=filename,
                fix="use letters, digits, '_' and '-' (at most 64), starting with a letter or digit",
            )
        if spec.id.casefold() in {r.casefold() for r in reserved}:
            raise ConflictError(
                f"index id {spec.id!r} is a built-in index",
                where=filename,
                fix="give your spec another 'id'",
            )
        nodes = spec.paths()
        if len(nodes) > MAX_SPEC_NODES:
            raise SpecError(f"the spec has {len(nodes)} nodes (at most {MAX_SPEC_NODES})")
        from powerscope.index.build import STEP_PARAMS

        steps = spec.extra.get("steps") or {}
        if not isinstance(steps, dict):
            raise SpecError("'steps' must be a mapping", where=filename)
        for step, params in steps.items():
            known = isinstance(step, str) and step in STEP_PARAMS
            if not isinstance(params or {}, dict):
                raise SpecError(
                    f"the parameters of step {step!r} must be a mapping, not {params!r}"[:200],
                    where=f"{filename}: steps",
                    fix="write e.g. 'steps: {impute: {method: group_mean}}'",
                )
            unknown = {str(k) for k in params or {}} - set(
                STEP_PARAMS.get(step, ()) if known else ()
            )
            if not known or unknown:
                raise SpecError(
                    f"step {step!r} or its parameters {sorted(unknown)} are not known",
                    where=filename,
                    fix=f"steps: {sorted(STEP_PARAMS)}, with the parameters of each",
                )
        if spec.table is not None:
            check_table(spec.table, tables or [], filename)
        dataset_id = None
        if spec.extra.get("data_file") is not None:
            dataset = self.find_dataset(str(spec.extra["data_file"]))
            dataset_id = str(dataset["id"])
            absent = [
                str(n.indicator) for _, n in spec.leaves() if n.indicator not in dataset["columns"]
            ]
            if absent:
                raise SpecError(
                    f"indicator(s) not in dataset {dataset['name']!r}: {', '.join(absent[:8])}",
                    where=filename,
                    fix="name the dataset's columns as the leaves' 'indicator'",
                )
        fields = {"index": spec.id, "title": spec.name, "data_file": dataset_id}
        return self._bind(spec, dataset_id), fields

    def save(
        self, kind: str, filename: str, content: bytes, fields: dict[str, Any]
    ) -> dict[str, Any]:
        """Store checked content as ``<id><suffix>`` and its record, each atomically."""
        folder = self.folder(kind)
        folder.mkdir(parents=True, exist_ok=True)
        upload_id = secrets.token_hex(8)
        stored = upload_id + STORED_SUFFIX[kind]
        record = {
            "id": upload_id,
            "kind": kind,
            "name": filename,
            "bytes": len(content),
            "sha256": hashlib.sha256(content).hexdigest(),
            "stored": stored,
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "created_ns": time.time_ns(),
            **fields,
        }
        write_atomic(folder / stored, content, mode=0o644, durable=True)
        try:
            write_atomic(folder / f"{upload_id}.json", json.dumps(record, indent=1), mode=0o644,
                         durable=True)  # fmt: skip
        except BaseException:
            (folder / stored).unlink(missing_ok=True)
            raise
        if kind == "scenarios":
            self.prune_scenarios(str(record["name"]))
        return record

    def prune_scenarios(self, name: str) -> list[str]:
        """Delete the older versions of the saved scenario ``name``, keeping the newest
        :attr:`scenario_versions` (default :data:`SCENARIO_VERSIONS`); return the ids deleted."""
        versions = [r for r in self.records("scenarios") if str(r.get("name")) == name]
        folder = self.folder("scenarios")
        deleted = []
        for record in versions[: max(0, len(versions) - self.scenario_versions)]:
            upload_id = str(record["id"])
            (folder / f"{upload_id}.json").unlink(missing_ok=True)  # the record first
            (folder / f"{upload_id}{STORED_SUFFIX['scenarios']}").unlink(missing_ok=True)
            deleted.append(upload_id)
        return deleted


def public(record: dict[str, Any]) -> dict[str, Any]:
    """A record as the API shows it (no internal fields)."""
    return {k: v for k, v in record.items() if k not in ("created_ns",)}
