from django.views.generic import DetailView

from declarations.models import Declaration, Topic


class DeclarationDetailView(DetailView):
    def get_queryset(self):
        return Declaration.objects.published().with_related()


class TopicDetailView(DetailView):
    def get_queryset(self):
        return Topic.objects.published()
