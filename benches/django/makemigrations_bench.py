"""Times Django's makemigrations on a synthetic project, for the strata
benchmark report.

The project is described by a JSON spec that the Rust side writes from the
same ProjectState strata measures (see benches/src/migrations.rs), so both
tools see the same models. One step runs per process, because Django cannot
reload changed models inside one interpreter:

    python3 makemigrations_bench.py --spec models.json --project DIR --step initial
    python3 makemigrations_bench.py --spec models.json --project DIR --step check
    python3 makemigrations_bench.py --spec changed.json --project DIR --step change

Each prints one JSON line: {"step", "setup_s", "command_s", "changes"}.
`setup_s` is django.setup() (importing the models), `command_s` the
makemigrations command itself, as call_command runs it.
"""

import argparse
import io
import json
import os
import sys
import time

TYPES = {
    "text": "models.TextField({})",
    "integer": "models.IntegerField({})",
    "bigint": "models.BigIntegerField({})",
    "double": "models.FloatField({})",
    "boolean": "models.BooleanField({})",
    "datetime_utc": "models.DateTimeField({})",
    "date": "models.DateField({})",
}


def field_source(field):
    """The Django field declaration of one spec column."""
    args = []
    if field["null"]:
        args.append("null=True")
    if field["unique"]:
        args.append("unique=True")
    if field["default"] is not None:
        args.append("default=" + {"true": "True", "false": "False"}.get(field["default"], field["default"]))
    ty = field["type"]
    if field["references"]:
        name = field["column"][: -len("_id")]
        decl = "models.ForeignKey({!r}, on_delete=models.CASCADE, {})".format(field["references"], ", ".join(args))
        return name, decl
    if ty.startswith("varchar("):
        args.insert(0, "max_length=" + ty[len("varchar(") : -1])
        return field["column"], "models.CharField({})".format(", ".join(args))
    if ty.startswith("decimal("):
        digits, places = ty[len("decimal(") : -1].split(",")
        args[:0] = ["max_digits=" + digits.strip(), "decimal_places=" + places.strip()]
        return field["column"], "models.DecimalField({})".format(", ".join(args))
    return field["column"], TYPES[ty].format(", ".join(args))


def models_source(spec):
    """models.py for every model of the spec."""
    out = ["from django.db import models", ""]
    for model in spec["models"]:
        out.append("class {}(models.Model):".format(model["name"]))
        for field in model["fields"]:
            name, decl = field_source(field)
            out.append("    {} = {}".format(name, decl))
        out.append("    class Meta:")
        out.append("        db_table = {!r}".format(model["table"]))
        indexes = ", ".join(
            "models.Index(fields={!r}, name={!r})".format(i["columns"], i["name"]) for i in model["indexes"]
        )
        out.append("        indexes = [{}]".format(indexes))
        out.append("")
    return "\n".join(out)


def write_project(project, spec):
    app = os.path.join(project, "synth")
    os.makedirs(os.path.join(app, "migrations"), exist_ok=True)
    for path in (os.path.join(app, "__init__.py"), os.path.join(app, "migrations", "__init__.py")):
        if not os.path.exists(path):
            open(path, "w").close()
    with open(os.path.join(app, "models.py"), "w") as f:
        f.write(models_source(spec))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--spec", required=True)
    parser.add_argument("--project", required=True)
    parser.add_argument("--step", choices=["initial", "check", "change"], required=True)
    args = parser.parse_args()

    with open(args.spec) as f:
        spec = json.load(f)
    write_project(args.project, spec)
    sys.path.insert(0, args.project)

    import django
    from django.conf import settings
    from django.core.management import call_command

    settings.configure(
        INSTALLED_APPS=["synth"],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        USE_TZ=True,
    )
    started = time.perf_counter()
    django.setup()
    setup_s = time.perf_counter() - started

    command = ["makemigrations", "synth", "--verbosity", "0"]
    if args.step == "check":
        command += ["--check", "--dry-run"]
    changes = False
    started = time.perf_counter()
    try:
        call_command(*command, stdout=io.StringIO())
    except SystemExit as exit:
        # --check exits with status 1 when models and migrations disagree.
        changes = exit.code not in (0, None)
    command_s = time.perf_counter() - started
    if args.step != "check":
        changes = True
    print(json.dumps({"step": args.step, "setup_s": setup_s, "command_s": command_s, "changes": changes}))


if __name__ == "__main__":
    main()
