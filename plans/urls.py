from django.urls import path

from plans import views

app_name = "plans"

urlpatterns = [
    path("calculator/", views.calculator, name="calculator"),
    path("calculator/results/", views.calculator_results, name="calculator_results"),
    path("verify/", views.verify, name="verify"),
]
