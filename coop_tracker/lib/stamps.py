"""Digests of what stored rows hold, to cache what is rendered or serialized of them under: a
changed value is a new key, so a cached fragment is never stale (the overview's rows, the list
pages' rows, the API's rows)."""

import hashlib


def record_state(record, _seen=None) -> str:
    """Every value a page or the API can show of a record: its own fields and annotations, the
    rows joined to it (select_related) and those prefetched with it (prefetch_related); a row
    met again on the way (a progress's target, joined back) is named, not followed."""
    if isinstance(record, dict):
        return repr(sorted(record.items(), key=lambda item: item[0]))
    seen = _seen if _seen is not None else set()
    if id(record) in seen:
        return "^"
    seen.add(id(record))
    # In the order the query loaded them (the same query, the same order): no sorting.
    parts = [repr([(k, v) for k, v in record.__dict__.items() if k[0] != "_"])]
    state = getattr(record, "_state", None)
    for name, row in getattr(state, "fields_cache", {}).items():
        if row is not None:
            parts.append(f"|{name}:{record_state(row, seen)}")
    for name, rows in getattr(record, "_prefetched_objects_cache", {}).items():
        parts.append(f"|{name}:[{','.join(record_state(row, seen) for row in rows)}]")
    return "".join(parts)


def digest(*parts: str) -> str:
    hashed = hashlib.blake2b(digest_size=16)
    for part in parts:
        hashed.update(part.encode())
    return hashed.hexdigest()
