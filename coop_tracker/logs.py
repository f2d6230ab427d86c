"""Log records as JSON lines, one object per line, for a machine to parse (LOG_FORMAT=json).

Used by Django, the Celery worker and beat (through settings.LOGGING) and by gunicorn
(coop_tracker/gunicorn.conf.py), whose access lines carry the request's fields.
"""

import datetime
import json
import logging

# gunicorn's access-log atoms (glogging.Logger.atoms) and the names they get in a line.
ACCESS_FIELDS = {
    "h": "remote",
    "m": "method",
    "U": "path",
    "q": "query",
    "s": "status",
    "B": "bytes",
    "M": "duration_ms",
    "a": "user_agent",
    "f": "referer",
}
# Attributes every LogRecord has; anything else was passed with `extra=` and is kept.
STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    def format(self, record):
        line = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            line.update({name: record.args.get(atom) for atom, name in ACCESS_FIELDS.items()})
        line.update({key: value for key, value in vars(record).items() if key not in STANDARD})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)
