"""Members' data: the user (email log-in, no username), task forces, lockouts and the audit log."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone

from members.roles import ClaimedRole


class FederalRegion(models.IntegerChoices):
    """The ten standard federal regions."""

    R1 = 1, "Region 1 (Boston)"
    R2 = 2, "Region 2 (New York)"
    R3 = 3, "Region 3 (Philadelphia)"
    R4 = 4, "Region 4 (Atlanta)"
    R5 = 5, "Region 5 (Chicago)"
    R6 = 6, "Region 6 (Dallas)"
    R7 = 7, "Region 7 (Kansas City)"
    R8 = 8, "Region 8 (Denver)"
    R9 = 9, "Region 9 (San Francisco)"
    R10 = 10, "Region 10 (Seattle)"


class TaskForce(models.Model):
    name = models.CharField(max_length=200, unique=True)
    state = models.CharField(max_length=2, help_text="Two-letter postal code, e.g. OH.")
    region = models.PositiveSmallIntegerField(choices=FederalRegion.choices)
    partner_agencies = models.TextField(blank=True, help_text="One agency per line.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def partner_agency_list(self):
        return [line.strip() for line in self.partner_agencies.splitlines() if line.strip()]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("status", User.Status.APPROVED)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account. Members-only access needs status APPROVED and the Member group."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    # Who is changing this account's groups, set just before the change: the audit signal
    # (members.audit_signals) reads it, since m2m_changed does not carry the request.
    _changed_by: "User | None" = None

    email = models.EmailField("email address", max_length=254, unique=True)
    full_name = models.CharField("name", max_length=150)
    agency = models.CharField(max_length=200)
    claimed_role = models.CharField(
        "role", max_length=32, choices=ClaimedRole.choices, default=ClaimedRole.OTHER
    )
    task_force = models.ForeignKey(
        TaskForce, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    other_task_force_name = models.CharField(max_length=200, blank=True)
    work_phone = models.CharField(max_length=32, blank=True)
    access_reason = models.TextField("why you need access", max_length=2000, blank=True)
    is_coordinator = models.BooleanField(
        default=False, help_text="Coordinates their task force (set by an administrator)."
    )
    expertise = models.ManyToManyField("taxonomy.Term", blank=True, related_name="experts")
    bio = models.TextField(max_length=2000, blank=True)

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rejection_reason = models.TextField(blank=True)

    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        permissions = [("review_applications", "Can approve or reject membership applications")]
        indexes = [models.Index(fields=["status", "date_joined"])]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return (self.full_name or self.email).split(" ")[0]

    @property
    def task_force_label(self):
        if self.task_force_id:
            return str(self.task_force)
        return self.other_task_force_name


class LoginFailure(models.Model):
    """One failed log-in, keyed by the email typed, whether or not an account has it.

    Keying by the typed email (not the account) means an unknown address is
    locked exactly like a real one, so lockout reveals nothing.
    """

    email = models.CharField(max_length=254, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self):
        return f"{self.email} at {self.created_at:%Y-%m-%d %H:%M}"


class AccountLock(models.Model):
    """A lock on an email address after repeated failures; kept in the database and audited."""

    email = models.CharField(max_length=254, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE)
    locked_at = models.DateTimeField(default=timezone.now)
    locked_until = models.DateTimeField()
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-locked_at"]

    def __str__(self):
        return f"{self.email} locked at {self.locked_at:%Y-%m-%d %H:%M}"

    @property
    def is_in_force(self):
        return self.released_at is None and self.locked_until > timezone.now()


class AuditEvent(models.Model):
    """One account event. Kept at least a year; never edited."""

    class Action(models.TextChoices):
        LOGIN = "login", "Log-in"
        LOGIN_FAILED = "login_failed", "Failed log-in"
        LOGOUT = "logout", "Log-out"
        LOCKED = "locked", "Account locked"
        RELEASED = "released", "Lock released"
        SIGNED_UP = "signed_up", "Applied for membership"
        APPROVED = "approved", "Application approved"
        REJECTED = "rejected", "Application rejected"
        ROLE_CHANGED = "role_changed", "Groups changed"
        COORDINATOR_CHANGED = "coordinator_changed", "Coordinator designation changed"
        MFA_ADDED = "mfa_added", "Second factor added"
        MFA_REMOVED = "mfa_removed", "Second factor removed"
        DEACTIVATED = "deactivated", "Account deactivated"
        REACTIVATED = "reactivated", "Account reactivated"
        CREATED = "created", "Account created by an administrator"
        DELETED = "deleted", "Account deleted"
        PASSWORD_CHANGED = "password_changed", "Password changed"
        EMAIL_CHANGED = "email_changed", "Email changed"
        SESSION_EXPIRED = "session_expired", "Session ended by timeout"
        PRIVILEGED = "privileged", "Privileged action"
        PERFORMANCE_REPORT = "performance_report", "Performance report decision or correction"
        BACKUP = "backup", "Backup taken"
        BACKUP_FAILED = "backup_failed", "Backup failed"
        RESTORED = "restored", "Backup restored"
        ATTENDANCE = "attendance", "Training attendance recorded"
        CERTIFICATE = "certificate", "Training certificate issued"

    action = models.CharField(max_length=32, choices=Action.choices, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Copied so the record survives account deletion.
    subject_email = models.CharField(max_length=254, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_action_display()}: {self.subject_email} at {self.created_at:%Y-%m-%d %H:%M}"
