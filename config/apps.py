"""The admin app with Måltavlen's own admin site (config/admin_site.py) as the default site."""

from django.contrib.admin.apps import AdminConfig


class MaaltavlenAdminConfig(AdminConfig):
    default_site = "config.admin_site.MaaltavlenAdminSite"
