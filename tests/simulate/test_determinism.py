from pathlib import Path


def _files(directory: Path) -> dict[str, bytes]:
    return {str(path.relative_to(directory)): path.read_bytes() for path in sorted(directory.rglob("*"))
            if path.is_file()}


def test_the_same_seed_gives_byte_identical_files_even_with_two_workers(written):
    first, second = _files(written["a"]), _files(written["b"])
    assert set(first) == set(second)
    assert len(first) == 17  # 8 tables x (csv, parquet) + the truth file
    for name in first:
        assert first[name] == second[name], name


def test_different_seeds_give_different_cities(written):
    first, other = _files(written["a"]), _files(written["c"])
    for name in ("tickets.csv", "events.csv", "calls.csv", "people.csv", "truth/truth.jsonl"):
        assert first[name] != other[name], name
