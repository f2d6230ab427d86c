from django.urls import path, re_path, register_converter

from coop_tracker.lib.converters import UnitCode
from cooperatives import views

register_converter(UnitCode, "unit")

urlpatterns = [
    path("registry/", views.RegistryListView.as_view(), name="registry_list"),
    path("registry/new/", views.organisation_create, name="organisation_create"),
    path("registry/import/", views.registry_import, name="registry_import"),
    path("registry/import/template.xlsx", views.registry_import_template, name="registry_import_template"),
    path("registry/import/<int:pk>/", views.registry_import_detail, name="registry_import_detail"),
    path("registry/import/<int:pk>/columns/", views.registry_import_mapping, name="registry_import_mapping"),
    path("registry/import/<int:pk>/commit/", views.registry_import_commit, name="registry_import_commit"),
    path("registry/import/<int:pk>/cancel/", views.registry_import_cancel, name="registry_import_cancel"),
    path("registry/import/<int:pk>/errors.xlsx", views.registry_import_errors, name="registry_import_errors"),
    path("registry/import/<int:pk>/status/", views.registry_import_status, name="registry_import_status"),
    path("registry/import/<int:pk>/recheck/", views.registry_import_recheck, name="registry_import_recheck"),
    path("exports/<int:pk>/", views.export_detail, name="export_detail"),
    path("exports/<int:pk>/status/", views.export_status, name="export_status"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
    path("actions/", views.support_action_list, name="support_action_list"),
    path("actions/new/", views.support_action_form, name="support_action_create"),
    path("actions/<int:pk>/", views.support_action_form, name="support_action_update"),
    path("registry/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("registry/<int:pk>/edit/", views.organisation_update, name="organisation_update"),
    path("registry/<int:pk>/delete/", views.organisation_delete, name="organisation_delete"),
    path("registry/deleted/", views.organisation_deleted_list, name="organisation_deleted_list"),
    path("registry/deleted/<int:pk>/restore/", views.organisation_restore, name="organisation_restore"),
    path("communes/", views.commune_list, name="commune_list"),
    path("communes/<int:pk>/", views.commune_detail, name="commune_detail"),
    path("communes/<int:pk>/ntm/new/", views.ntm_recognition_form, name="ntm_recognition_create"),
    path("communes/<int:pk>/ntm/<int:ntm_pk>/", views.ntm_recognition_form, name="ntm_recognition_update"),
    path("reporting/", views.reporting_list, name="reporting_list"),
    path("reporting/<unit:code>/<int:year>/", views.reporting_round, name="reporting_round"),
    path(
        "reporting/<unit:code>/<int:year>/transition/",
        views.reporting_round_transition,
        name="reporting_round_transition",
    ),
    path("reporting/<unit:code>/<int:year>/not-reported/", views.reporting_not_reported, name="reporting_not_reported"),
    re_path(
        r"^registry/(?P<pk>[0-9]+)/(?P<part>figures|ratings)/new/$",
        views.organisation_part,
        name="organisation_part_create",
    ),
    re_path(
        r"^registry/(?P<pk>[0-9]+)/(?P<part>figures|ratings)/(?P<part_pk>[0-9]+)/$",
        views.organisation_part,
        name="organisation_part_update",
    ),
]
