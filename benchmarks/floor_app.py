"""The floor of any command built on tco's dependencies, for benchmarks/speed.py to compare against.

One typer application with two commands; the one called reads a TOML text, validates a pydantic model with a
constrained field and a validator per id, and prints a table with tabulate. It does nothing of tco's own:
what ``tco compare`` costs beyond this is what tco adds (its models, its input files, its arithmetic).
"""

import sys
from typing import Annotated

import typer
from pydantic import BaseModel, Field, field_validator

if sys.version_info >= (3, 11):
    import tomllib
else:  # (as tco reads TOML on Python 3.10)
    import tomli as tomllib
from tabulate import tabulate

app = typer.Typer()


class Part(BaseModel):
    price_usd: float = Field(gt=0)

    @field_validator("price_usd")
    @classmethod
    def _finite(cls, v: float) -> float:
        return v


@app.command()
def compare(ids: Annotated[list[str], typer.Argument()]) -> None:
    parts = [Part.model_validate(tomllib.loads("price_usd = 1.5")) for _ in ids]
    print(tabulate([[i, p.price_usd] for i, p in zip(ids, parts, strict=True)]))


@app.command()
def other() -> None:
    """A second command, so typer builds a group as tco's does."""


if __name__ == "__main__":
    app()
