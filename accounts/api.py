"""The teams API: which teams you belong to and your role in each."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers

from accounts.models import Membership, Team
from accounts.selectors import membership_list_for_user


class MembershipSerializer(serializers.ModelSerializer):
    team: serializers.SlugRelatedField[Team] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    name = serializers.CharField(source="team.name", read_only=True)

    class Meta:
        model = Membership
        fields = ["team", "name", "role"]


@extend_schema(tags=["teams"])
class TeamListView(generics.ListAPIView):
    """Your teams and your role in each (analysts can change drafts; viewers only read)."""

    serializer_class = MembershipSerializer

    def get_queryset(self) -> QuerySet[Membership]:
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Membership.objects.none()
        return membership_list_for_user(user=self.request.user)
