"""The main menu. Each app adds its entries when it is ready, so a module that is not
installed is simply absent from the menu (no placeholder pages)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url_name: str
    icon: str
    perm: str | None = None
    section: str = "业务"
    order: int = 100
    # a core.workqueue module ("hazards"; "all" for every module): the entry shows how much work of it waits
    badge: str | None = None


MENU: list[MenuEntry] = []


def register(*entries: MenuEntry) -> None:
    for entry in entries:
        if entry not in MENU:
            MENU.append(entry)
    MENU.sort(key=lambda e: e.order)


def entries_for(user) -> list[MenuEntry]:
    return [e for e in MENU if e.perm is None or user.has_perm_code(e.perm)]
