"""The log-in backend: Django's ModelBackend, with the user's secretariat membership read in
the same query that loads the user on every request, so roles.is_secretariat finds it on the
user instead of asking the database (one query less on every logged-in page)."""

from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef

from helsefellesskap.roles import SECRETARIAT_GROUP


class PortalModelBackend(ModelBackend):
    def get_user(self, user_id):
        secretariat = Group.objects.filter(name=SECRETARIAT_GROUP, user=OuterRef("pk"))
        user = (
            get_user_model()
            ._default_manager.annotate(_is_secretariat=Exists(secretariat))
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None

    async def aget_user(self, user_id):
        return await sync_to_async(self.get_user)(user_id)
