"""Extension instances, created unbound and attached in ``create_app``.

This module imports nothing from the app, so any module may import it
without an import cycle.
"""

from typing import TYPE_CHECKING, ClassVar

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, Table
from sqlalchemy.orm import DeclarativeBase

# Deterministic constraint names: migrations stay reproducible and SQLite
# batch mode can find the constraints it has to rebuild.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)

    if TYPE_CHECKING:
        # Every model maps one table (SQLAlchemy's own annotation is the wider FromClause).
        __table__: ClassVar[Table]


db = SQLAlchemy(model_class=Base)
# The base class of every model. mypy cannot take an attribute (db.Model) as a
# base class, so to it the models derive from Base, whose Mapped[] columns it
# reads; at run time they derive from db.Model, Flask-SQLAlchemy's copy of Base.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# Storage is chosen from RATELIMIT_STORAGE_URI (memory, or Redis when set).
limiter = Limiter(key_func=get_remote_address, default_limits=[])
