from django.views.generic import DetailView, ListView

from meetings.models import Country, Meeting, Person


class MeetingListView(ListView):
    paginate_by = 20

    def get_queryset(self):
        return Meeting.objects.published().with_related()


class MeetingDetailView(DetailView):
    def get_queryset(self):
        return Meeting.objects.published().with_related()


class CountryDetailView(DetailView):
    slug_field = "code"
    slug_url_kwarg = "code"

    def get_queryset(self):
        return Country.objects.published()


class PersonDetailView(DetailView):
    def get_queryset(self):
        return Person.objects.published()
