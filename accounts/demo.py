"""Demo accounts, one or more per role; their logins are printed and in the README."""

from accounts.models import User
from cooperatives.models import AdminUnit

# username, password, role, new-structure province code (None = whole country), full name
DEMO_ACCOUNTS = [
    ("admin", "coop-admin-2026", User.Role.ADMIN, None, "Quản trị hệ thống"),
    ("canbo.bacninh", "coop-staff-2026", User.Role.STAFF, "24", "Nguyễn Văn An"),
    ("canbo.phutho", "coop-staff-2026", User.Role.STAFF, "25", "Trần Thị Bình"),
    ("lanhdao", "coop-leader-2026", User.Role.LEADER, None, "Lê Văn Cường"),
    ("lanhdao.bacninh", "coop-leader-2026", User.Role.LEADER, "24", "Phạm Thị Dung"),
]


def accounts_load(tally):
    """Create the demo accounts that do not exist yet; never reset a changed password."""
    for username, password, role, province_code, full_name in DEMO_ACCOUNTS:
        if User.objects.filter(username=username).exists():
            tally((None, "unchanged"), "accounts")
            continue
        first_name, _, last_name = full_name.rpartition(" ")
        user = User(
            username=username,
            role=role,
            first_name=last_name,
            last_name=first_name,
            is_staff=role == User.Role.ADMIN,
            is_superuser=role == User.Role.ADMIN,
        )
        if province_code:
            user.province = AdminUnit.objects.get(level="province", structure="34", code=province_code)
        user.set_password(password)
        user.save()
        tally((user, "created"), "accounts")
