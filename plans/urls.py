from django.urls import path

from plans import views

urlpatterns = [
    path("", views.overview, name="overview"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("targets/<int:pk>/", views.target_detail, name="target_detail"),
]
