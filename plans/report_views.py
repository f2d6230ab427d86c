"""A plan's progress as the Word report a province hands in (plans.report_docx)."""

from django.http import HttpResponse
from django.utils import timezone

from accounts.permissions import get_visible_or_404
from plans.models import Plan
from plans.report_docx import progress_report_document

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def plan_report_docx(request, pk):
    plan = get_visible_or_404(Plan.objects.select_related("area"), request.user, pk=pk)
    targets = list(plan.targets.for_rows())
    tasks = list(plan.tasks.order_by("pk"))
    response = HttpResponse(progress_report_document(plan, targets, tasks), content_type=DOCX)
    filename = f"bao-cao-tien-do-ke-hoach-{plan.pk}-{timezone.localdate():%Y%m%d}.docx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
