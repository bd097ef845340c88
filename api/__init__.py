"""The HTTP layer: validate, authorise, call workflows/, map errors to HTTP."""
