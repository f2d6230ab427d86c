from django.urls import path, register_converter

from coop_tracker.lib.converters import UnitCode
from plans import map_views, moved_views, report_views, views

register_converter(UnitCode, "unit")

urlpatterns = [
    path("", views.overview, name="overview"),
    path("plans/new/", views.plan_form, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_form, name="plan_update"),
    path("plans/<int:pk>/report.xlsx", views.plan_report, name="plan_report"),
    path("plans/<int:pk>/report.docx", report_views.plan_report_docx, name="plan_report_docx"),
    path("targets/<int:pk>/", views.target_detail, name="target_detail"),
    path("targets/<int:pk>/moved/", moved_views.share_moves, name="share_moves"),
    path("tasks/<int:pk>/", views.task_status, name="task_status"),
    path("entries/", views.entered_value_list, name="entered_value_list"),
    path("entries/new/", views.entered_value_form, name="entered_value_create"),
    path("entries/<int:pk>/", views.entered_value_form, name="entered_value_update"),
    path("provinces/<unit:code>/", views.province_detail, name="province_detail"),
    path("indicators/", views.indicator_list, name="indicator_list"),
    path("indicators/new/", views.indicator_form, name="indicator_create"),
    path("indicators/<int:pk>/edit/", views.indicator_form, name="indicator_update"),
    path("indicators/<int:pk>/delete/", views.indicator_remove, name="indicator_delete"),
    path("indicators/<str:code>/map/", map_views.indicator_map, name="indicator_map"),
    path("indicators/<str:code>/map.json", map_views.indicator_map_data, name="indicator_map_data"),
    path("maps/<str:structure>.geojson", map_views.map_outlines, name="map_outlines"),
]
