from django.apps import AppConfig

from organisations import roles


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "Training tracker"

    role_permissions = {
        roles.NATIONAL_ADMINISTRATORS: [
            "training.view_trainingmodule",
            "training.change_trainingmodule",
            "training.add_trainingmodule",
            "training.view_moduleversion",
            "training.add_moduleversion",
        ],
    }
