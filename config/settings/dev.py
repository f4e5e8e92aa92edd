"""Local development: DEBUG on, SQLite unless DATABASE_URL says otherwise, console email."""

from .base import *
from .base import SECRET_KEY

DEBUG = True
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-do-not-use-in-production"
