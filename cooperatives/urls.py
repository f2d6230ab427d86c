from django.urls import path

from cooperatives import views

urlpatterns = [
    path("provinces/<str:code>/", views.province_detail, name="province_detail"),
    path("registry/", views.RegistryListView.as_view(), name="registry_list"),
]
