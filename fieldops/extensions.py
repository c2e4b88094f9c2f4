"""Flask extensions, created unbound and attached in create_app()."""

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf import CSRFProtect

babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
migrate = Migrate()
