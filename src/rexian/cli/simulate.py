"""`rexian simulate`: a deterministic synthetic city with ground truth (docs/simulator.md)."""

from __future__ import annotations

import time
from pathlib import Path

import click


@click.command("simulate")
@click.option("--tickets", "count", type=click.IntRange(1), required=True, help="工单数量")
@click.option("--seed", type=int, default=1, show_default=True, help="随机种子（相同种子生成完全相同的文件）")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help="写出交换文件（CSV 与 Parquet）的目录")
@click.option("--db", "db_url", help="写入的数据库 URL（须为空库，自动迁移）")
@click.option("--truth", "truth_path", type=click.Path(dir_okay=False),
              help="真值文件路径；默认 DIR/truth/truth.jsonl（--db 时默认 ./truth.jsonl）")
@click.option("--format", "formats", default="csv,parquet", show_default=True, help="文件格式：csv、parquet 或两者")
@click.option("--workers", type=click.IntRange(1), default=1, show_default=True, help="并行进程数")
def command(count: int, seed: int, out_dir: str | None, db_url: str | None, truth_path: str | None, formats: str,
            workers: int) -> None:
    """生成一座模拟城市：组织机构、工单及全部事件、话务记录、坐席状态，以及注入问题的真值。"""
    from rexian.simulate.city import Simulation
    from rexian.simulate.output import default_truth_path, write_database, write_files
    from rexian.simulate.writers import write_truth

    if not out_dir and not db_url:
        raise click.UsageError("请指定 --out DIR 或 --db URL（或两者）")
    started = time.perf_counter()
    simulation = Simulation(count, seed)
    if out_dir:
        truth = Path(truth_path) if truth_path else default_truth_path(out_dir)
        counts = write_files(simulation, out_dir, truth, workers=workers, formats=tuple(formats.split(",")))
        click.echo(f"文件已写入 {out_dir}：" + "，".join(f"{name} {number}" for name, number in counts.items()))
        click.echo(f"真值文件：{truth}（分析程序不得读取）")
    if db_url:
        from rexian.adapters.bulk_load import NotEmpty
        from rexian.adapters.database import make_engine, migrate

        engine = make_engine(db_url)
        migrate(engine)
        items = list(simulation.plan_truth)
        try:
            counts = write_database(simulation, engine, workers=workers, truth=items)
        except NotEmpty as error:
            raise click.ClickException(str(error)) from error
        click.echo("已写入数据库：" + "，".join(f"{name} {number}" for name, number in counts.items()))
        if not out_dir:
            truth = Path(truth_path or "truth.jsonl")
            write_truth(truth, simulation.final_truth(items))
            click.echo(f"真值文件：{truth}")
    click.echo(f"用时 {time.perf_counter() - started:.1f} 秒")


commands = [command]
