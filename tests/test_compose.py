"""docker-compose.yml and the Dockerfile describe a stack that can start.

No Docker is needed: the files are parsed and checked for the mistakes that would stop
`docker compose up` (a missing service or volume, a dependency on a service that does not
exist, a worker pointed at the wrong broker, an entry point that is not in the repository).
`compose_problems` holds the checks; it is itself tested on deliberately broken files.
"""

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"

REQUIRED_SERVICES = ("db", "redis", "web", "worker", "beat")
APP_SERVICES = ("web", "worker", "beat")
HEALTHCHECKED = ("db", "redis", "web")
COMMANDS = {
    "web": r"\bgunicorn\s+-c\s+config/gunicorn\.py\s+config\.wsgi:application\b",
    "worker": r"\bcelery\s+-A\s+config\s+worker\b",
    "beat": r"\bcelery\s+-A\s+config\s+beat\b",
}


def load_compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def command_text(service: dict[str, Any]) -> str:
    command = service.get("command", "")
    if isinstance(command, list):
        return " ".join(str(part) for part in command)
    return str(command)


def depends_on(service: dict[str, Any]) -> dict[str, str]:
    """Service name → condition (compose's short list form means service_started)."""
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):
        return {str(name): "service_started" for name in deps}
    return {
        str(name): str((spec or {}).get("condition", "service_started"))
        for name, spec in deps.items()
    }


def environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        pairs = (str(item).partition("=") for item in env)
        return {key: value for key, _sep, value in pairs}
    return {str(key): "" if value is None else str(value) for key, value in env.items()}


def named_volumes(service: dict[str, Any]) -> list[str]:
    """Named volumes a service mounts (bind mounts and anonymous volumes are left out)."""
    names = []
    for entry in service.get("volumes") or []:
        if isinstance(entry, dict):
            source = entry.get("source") if entry.get("type", "volume") == "volume" else None
        else:
            source, sep, _target = str(entry).partition(":")
            source = source if sep else None
        if source and not source.startswith(("/", ".", "~", "$")):
            names.append(str(source))
    return names


def service_image(services: dict[str, Any], name: str | None) -> str:
    service = services.get(name or "")
    return str(service.get("image", "")) if isinstance(service, dict) else ""


def compose_problems(data: dict[str, Any]) -> list[str]:
    """Everything wrong with a parsed docker-compose file; empty when it is sound."""
    services = data.get("services")
    if not isinstance(services, dict) or not services:
        return ["no services"]
    problems = [
        f"service {name!r} is missing" for name in REQUIRED_SERVICES if name not in services
    ]
    declared = data.get("volumes") or {}

    for name, service in services.items():
        if not isinstance(service, dict):
            problems.append(f"{name}: not a mapping")
            continue
        for dep in depends_on(service):
            if dep not in services:
                problems.append(f"{name}: depends_on unknown service {dep!r}")
        for volume in named_volumes(service):
            if volume not in declared:
                problems.append(f"{name}: volume {volume!r} is not declared at top level")

    for name, pattern in COMMANDS.items():
        if name in services and not re.search(pattern, command_text(services[name])):
            problems.append(f"{name}: command does not match {pattern!r}")

    for name in HEALTHCHECKED:
        check = services.get(name, {}).get("healthcheck") or {}
        if not check.get("test") or check.get("disable"):
            problems.append(f"{name}: no healthcheck")
    web_check = (services.get("web", {}).get("healthcheck") or {}).get("test", "")
    if "/healthz" not in str(web_check):
        problems.append("web: healthcheck does not call /healthz")

    worker_queues = re.search(
        r"(?:-Q|--queues)[\s=]+(\S+)", command_text(services.get("worker", {}))
    )
    if not worker_queues or not {"celery", "pdf"} <= set(worker_queues.group(1).split(",")):
        problems.append("worker: does not consume the queues celery and pdf")

    for name in APP_SERVICES:
        service = services.get(name)
        if not isinstance(service, dict):
            continue
        env = environment(service)
        broker = urlsplit(env.get("CELERY_BROKER_URL", ""))
        if broker.scheme not in {"redis", "rediss"} or not service_image(
            services, broker.hostname
        ).startswith("redis"):
            problems.append(f"{name}: CELERY_BROKER_URL does not point at the redis service")
        database = urlsplit(env.get("DATABASE_URL", ""))
        if database.scheme not in {"postgres", "postgresql"} or not service_image(
            services, database.hostname
        ).startswith("postgres"):
            problems.append(f"{name}: DATABASE_URL does not point at the db service")
        if env.get("DJANGO_SETTINGS_MODULE") != "config.settings.production":
            problems.append(f"{name}: DJANGO_SETTINGS_MODULE is not config.settings.production")
        if not env.get("SECRET_KEY", "").startswith("${SECRET_KEY"):
            problems.append(f"{name}: SECRET_KEY must come from the environment")
        deps = depends_on(service)
        for needed in ("db", "redis"):
            if deps.get(needed) != "service_healthy":
                problems.append(f"{name}: does not wait for {needed} to be healthy")
    return problems


def test_compose_file_has_no_problems() -> None:
    assert compose_problems(load_compose()) == []


def test_checker_flags_a_broken_compose() -> None:
    broken: dict[str, Any] = {
        "services": {
            "db": {"image": "postgres:15"},
            "web": {
                "image": "xtzt",
                "command": "python manage.py runserver",
                "depends_on": ["db", "rabbitmq"],
                "volumes": ["uploads:/app/media", "./local:/app/local"],
                "environment": [
                    "CELERY_BROKER_URL=redis://localhost:6379/0",
                    "DATABASE_URL=sqlite:///db.sqlite3",
                    "SECRET_KEY=hard-coded",
                ],
            },
        },
        "volumes": {},
    }
    problems = "\n".join(compose_problems(broken))
    for expected in (
        "service 'redis' is missing",
        "service 'worker' is missing",
        "service 'beat' is missing",
        "web: depends_on unknown service 'rabbitmq'",
        "web: volume 'uploads' is not declared",
        "web: command does not match",
        "db: no healthcheck",
        "web: healthcheck does not call /healthz",
        "web: CELERY_BROKER_URL does not point at the redis service",
        "web: DATABASE_URL does not point at the db service",
        "web: SECRET_KEY must come from the environment",
        "web: does not wait for db to be healthy",
    ):
        assert expected in problems
    assert "'local'" not in problems  # a bind mount is not a named volume
    assert compose_problems({}) == ["no services"]


def _set(service: str, key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        data["services"][service][key] = value

    return mutate


def _set_env(service: str, key: str, value: str) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        svc = data["services"][service]
        svc["environment"] = {**environment(svc), key: value}  # a new dict: the anchor is shared

    return mutate


def _drop_service(name: str) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        del data["services"][name]

    return mutate


def _drop_volume(name: str) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        del data["volumes"][name]

    return mutate


@pytest.mark.parametrize(
    ("mutation", "expected"),
    [
        (_drop_service("beat"), "service 'beat' is missing"),
        (_drop_volume("media"), "volume 'media' is not declared"),
        (_drop_volume("pgdata"), "db: volume 'pgdata'"),
        (_set("worker", "depends_on", {"rabbitmq": {}}), "unknown service 'rabbitmq'"),
        (_set("web", "command", "python manage.py runserver"), "web: command"),
        (_set("worker", "command", "celery -A config beat"), "worker: command"),
        (_set("worker", "command", "celery -A config worker -Q celery"), "queues celery and pdf"),
        (_set("beat", "command", "celery -A xtzt beat"), "beat: command"),
        (_set("redis", "healthcheck", {"disable": True}), "redis: no healthcheck"),
        (
            _set("beat", "depends_on", {"db": {"condition": "service_started"}}),
            "beat: does not wait",
        ),
        (_set_env("worker", "CELERY_BROKER_URL", "redis://localhost:6379/0"), "worker: CELERY"),
        (_set_env("beat", "CELERY_BROKER_URL", "redis://db:6379/0"), "beat: CELERY"),
        (_set_env("web", "DATABASE_URL", "postgres://xtzt:xtzt@redis:5432/xtzt"), "web: DATABASE"),
        (_set_env("worker", "DJANGO_SETTINGS_MODULE", "config.settings.dev"), "worker: DJANGO"),
    ],
)
def test_checker_flags_each_break_of_the_real_file(
    mutation: Callable[[dict[str, Any]], None], expected: str
) -> None:
    data = copy.deepcopy(load_compose())
    mutation(data)
    assert any(expected in problem for problem in compose_problems(data)), expected


def dockerfile_cmd() -> list[str]:
    lines = DOCKERFILE.read_text(encoding="utf-8").splitlines()
    cmds = [line.removeprefix("CMD").strip() for line in lines if line.startswith("CMD ")]
    assert len(cmds) == 1, "exactly one CMD"
    cmd = json.loads(cmds[0])  # exec form, so signals reach gunicorn
    assert isinstance(cmd, list)
    return [str(part) for part in cmd]


def module_file(dotted: str) -> Path:
    return ROOT.joinpath(*dotted.split(".")).with_suffix(".py")


def test_entry_points_named_by_the_dockerfile_and_compose_exist() -> None:
    cmd = dockerfile_cmd()
    assert cmd[:4] == ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi:application"]
    commands = [" ".join(cmd)]
    commands += [command_text(service) for service in load_compose()["services"].values()]

    wsgi_targets = {m for text in commands for m in re.findall(r"\b([\w.]+):application\b", text)}
    celery_apps = {m for text in commands for m in re.findall(r"celery\s+-A\s+([\w.]+)", text)}
    assert wsgi_targets == {"config.wsgi"}
    assert celery_apps == {"config"}

    for module in wsgi_targets:
        assert re.search(r"^application\s*=", module_file(module).read_text(), re.MULTILINE)
    for package in celery_apps:
        celery_module = module_file(f"{package}.celery").read_text()
        assert re.search(r"^app\s*=\s*Celery\(", celery_module, re.MULTILINE)
    assert (ROOT / "manage.py").is_file()  # web runs `python manage.py migrate` first
    assert (ROOT / "config" / "gunicorn.py").is_file()  # gunicorn -c config/gunicorn.py


def test_dockerfile_builds_a_locked_non_root_image() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.12-slim-bookworm\b", text, re.MULTILINE)
    assert "uv sync --frozen --no-dev" in text
    assert "compilemessages" in text
    assert "collectstatic --noinput" in text
    assert re.search(r"^EXPOSE 8000$", text, re.MULTILINE)
    users = re.findall(r"^USER\s+(\S+)", text, re.MULTILINE)
    assert users, "the image must switch to a non-root user"
    assert users[-1] not in {"root", "0"}
    for package in ("gettext", "fonts-noto-cjk", "libpango-1.0-0", "libpangoft2-1.0-0"):
        assert package in text
    for name in ("pyproject.toml", "uv.lock", "manage.py", "config/wsgi.py"):
        assert (ROOT / name).is_file(), name


def test_dockerignore_keeps_local_state_out_of_the_image() -> None:
    ignored = {
        line.strip().removeprefix("/")
        for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".venv", ".git", "db.sqlite3", "media", "staticfiles"} <= ignored
    assert ignored & {"__pycache__", "**/__pycache__"}


def test_web_migrates_before_serving() -> None:
    command = command_text(load_compose()["services"]["web"])
    migrate = command.find("manage.py migrate --noinput")
    assert 0 <= migrate < command.find("gunicorn"), command
