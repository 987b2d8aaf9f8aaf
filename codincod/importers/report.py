"""What an import did, collection by collection and table by table: the operator's proof that
nothing was lost, and the list of every document skipped or repaired, with why."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class CollectionReport:
    name: str
    in_dump: int = 0  # counted from the file alone, before and apart from the import
    read: int = 0
    imported: int = 0
    deleted: int = 0  # imported before, gone from this dump: removed here too
    skipped: list[dict[str, Any]] = field(default_factory=list)  # {"_id", "reason"}
    repaired: list[dict[str, Any]] = field(default_factory=list)  # {"_id", "changes"}
    deleted_ids: list[str] = field(default_factory=list)
    corrupt: dict[str, Any] | None = None  # {"offset", "reason"}: where reading stopped
    note: str = ""

    def skip(self, own: str, reason: str) -> None:
        self.skipped.append({"_id": own, "reason": reason})

    def repair(self, own: str, changes: list[str]) -> None:
        self.repaired.append({"_id": own, "changes": changes})


@dataclass
class TableReport:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    deleted: int = 0


@dataclass
class Report:
    dump: str
    dry_run: bool
    collections: dict[str, CollectionReport] = field(default_factory=dict)
    tables: dict[str, TableReport] = field(default_factory=dict)
    dangling_references: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def collection(self, name: str) -> CollectionReport:
        return self.collections.setdefault(name, CollectionReport(name))

    def table(self, name: str) -> TableReport:
        return self.tables.setdefault(name, TableReport())

    @property
    def documents(self) -> int:
        return sum(c.read for c in self.collections.values())

    @property
    def changes(self) -> int:
        return sum(t.new + t.changed + t.deleted for t in self.tables.values())

    def as_json(self) -> dict[str, Any]:
        return asdict(self) | {"documents": self.documents, "changes": self.changes}

    def lines(self) -> list[str]:
        """The summary an operator reads on the terminal."""
        head = f"{'collection':<22}{'in dump':>9}{'read':>9}{'imported':>10}{'skipped':>9}"
        out = [head + f"{'repaired':>10}{'deleted':>9}"]
        for c in self.collections.values():
            out.append(
                f"{c.name:<22}{c.in_dump:>9}{c.read:>9}{c.imported:>10}{len(c.skipped):>9}"
                f"{len(c.repaired):>10}{c.deleted:>9}" + (f"  {c.note}" if c.note else "")
            )
            if c.corrupt:
                out.append(f"  corrupt at byte {c.corrupt['offset']}: {c.corrupt['reason']}")
        out.append("")
        out.append(f"{'table':<22}{'new':>9}{'changed':>9}{'same':>10}{'deleted':>9}")
        for name, t in sorted(self.tables.items()):
            out.append(f"{name:<22}{t.new:>9}{t.changed:>9}{t.unchanged:>10}{t.deleted:>9}")
        out.append("")
        if self.dangling_references:
            out.append(f"foreign keys NOT all holding, rolled back: {self.dangling_references}")
        else:
            out.append("foreign keys: every reference holds")
        verb = "would change" if self.dry_run else "changed"
        out.append(
            f"{self.documents} documents in {self.seconds:.1f} s; {verb} {self.changes} rows"
            + (" (dry run: nothing written)" if self.dry_run else "")
        )
        for c in self.collections.values():
            for entry in c.skipped[:20]:
                out.append(f"  skipped {c.name} {entry['_id']}: {entry['reason']}")
            for entry in c.repaired[:20]:
                out.append(f"  repaired {c.name} {entry['_id']}: {'; '.join(entry['changes'])}")
            hidden = max(0, len(c.skipped) - 20) + max(0, len(c.repaired) - 20)
            if hidden:
                out.append(f"  ... and {hidden} more in {c.name} (see --report FILE)")
        return out
