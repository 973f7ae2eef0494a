"""The review API (/api/reviews/): one router assembled from the feature modules."""

from ninja import Router

router = Router(tags=["reviews"])


def _mount() -> None:
    from mianshi.reviews.api import decisions, offers, ratings, reports, workbench

    for module in (workbench, ratings, decisions, offers, reports):
        router.add_router("", module.router)


_mount()
