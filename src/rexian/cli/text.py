"""`rexian train-router` and `rexian text-eval routing|replies|same-matter`: the text layer's commands."""

from __future__ import annotations

import time

import click

from rexian.text.misconduct_labels import SPLITS as LABEL_SPLITS


@click.command("train-router")
@click.argument("source", type=click.Path(exists=True), required=False)
@click.option("--out", "out_path", type=click.Path(), default="router.joblib", show_default=True,
              help="写出的模型文件（把设置项 text_router_model 指向它）")
@click.option("--text-col", "text_columns", multiple=True,
              help="文本列（多列时第一列为标题）。默认：title+content 或 留言主题+留言详情")
@click.option("--label-col", "label_column", help="分类列。默认：category / 一级标签 / 一级分类")
@click.option("--lead-col", "lead_column", help="主办单位列。默认：有 lead_unit_id 时用它")
@click.option("--folds", default=5, show_default=True, help="交叉验证折数")
@click.option("--from-simulation", "simulated", type=click.IntRange(1), default=None,
              help="不用 SOURCE，改用模拟城市的这么多工单（同 rexian simulate）")
@click.option("--seed", default=1, show_default=True, help="模拟种子（配合 --from-simulation）")
@click.option("--db", "db_url", default=None, help="不用 SOURCE，改用此 Rexian 数据库中的工单")
def train_router_command(source, out_path, text_columns, label_column, lead_column, folds, simulated, seed, db_url):
    """从历史工单学习智能派单（分类、主办单位）。

    Learn routing (category, lead unit) from historical tickets: an interchange directory or tickets
    file (CSV/Parquet), a spreadsheet with a text and a label column, or a Rexian database (--db). From
    an interchange directory or a database the organisation also gives the names shown to users and the
    first-level categories.
    The packaged default model is `--from-simulation 10000 --seed 1` (docs/text.md)."""
    from pathlib import Path

    from rexian.text.evaluation import read_table, training_columns, training_rows
    from rexian.service.routing_training import database_training_data, simulated_training_data
    from rexian.text.routing import interchange_labels, train_router

    if sum(given is not None for given in (source, simulated, db_url)) != 1:
        raise click.UsageError("请给出 SOURCE、--from-simulation N 或 --db URL 三者之一")
    if db_url:
        from rexian.cli.options import open_engine

        engine = open_engine(db_url, migrate=False)
        try:
            texts, labels, leads, names, parents = database_training_data(engine)
        finally:
            engine.dispose()
        trained_on = f"database {engine.url.render_as_string(hide_password=True)}"
    elif simulated:
        texts, labels, leads, names, parents = simulated_training_data(simulated, seed)
        trained_on = f"rexian simulate --tickets {simulated} --seed {seed}"
    else:
        frame = read_table(source)
        text_columns, label_column, lead_column, address_column = training_columns(
            frame, text_columns, label_column, lead_column)
        texts, labels, leads = training_rows(frame, text_columns, label_column, lead_column, address_column)
        names, parents = interchange_labels(source) if Path(source).is_dir() else ({}, {})
        trained_on = str(source)
    started = time.perf_counter()
    router, reports = train_router(texts, [str(label) for label in labels], leads, folds=folds, names=names,
                                   parents=parents)
    router.meta["trained_on"] = trained_on
    path = router.save(out_path)
    for report in reports:
        _print_report(report, router)
    size = Path(path).stat().st_size
    click.echo(f"模型已写入 {path}（{size / 1e6:.2f} MB，{time.perf_counter() - started:.1f} 秒）")


def _print_report(report, router=None) -> None:
    click.echo(f"目标 {report.target}: {report.rows} 条, {len(report.labels)} 类, {report.cv_folds} 折交叉验证")
    if report.macro_f1 is None:
        click.echo("  样本太少，无法交叉验证")
        return
    click.echo(f"  macro-F1 = {report.macro_f1:.3f}   accuracy = {report.accuracy:.3f}")
    click.echo(f"  {'类别':<20}{'条数':>6}{'F1':>8}")
    for label, f1 in sorted(report.per_label_f1.items(), key=lambda item: -report.labels[item[0]]):
        name = router.label_name(label, report.target) if router is not None else label
        shown = label if name == label else f"{label} {name}"
        click.echo(f"  {shown:<20}{report.labels[label]:>6}{f1:>8.3f}")


@click.group("text-eval")
def text_eval() -> None:
    """在真实数据上评测文本层（留档用的表格与数字）。"""


@text_eval.command("routing")
@click.option("--file", "path", type=click.Path(exists=True), help="默认：teddy2020/sample_messages_labelled.xlsx")
@click.option("--folds", default=5, show_default=True, help="交叉验证折数")
def eval_routing(path, folds):
    """智能派单在标注留言上的交叉验证 macro-F1，以及随包模型的准确率。"""
    from rexian.text.evaluation import read_table, teddy_file, training_columns, training_rows
    from rexian.text.routing import cross_validate, default_router

    frame = read_table(path or teddy_file("sample_messages_labelled.xlsx"))
    text_columns, label_column, _, _ = training_columns(frame)
    texts, labels, _ = training_rows(frame, text_columns, label_column)
    started = time.perf_counter()
    report = cross_validate(texts, [str(label) for label in labels], folds)
    report.target = "category"
    _print_report(report)
    click.echo(f"  （{time.perf_counter() - started:.1f} 秒）")
    # The packaged model predicts the simulated city's category codes; its first level has the names
    # Teddy's labels use (城乡建设, 环境保护 …), so it is scored on the first level by name.
    router = default_router()
    target = "category_top" if "category_top" in router.targets else "category"
    labels_known = set(router.parents.values()) if target == "category_top" \
        else {str(label) for label in router.pipelines["category"].classes_}
    known = {router.label_name(label, target) for label in labels_known}
    pairs = [(text, str(label)) for text, label in zip(texts, labels) if str(label) in known]
    if pairs:
        suggestions = [[router.label_name(name, target) for name, _ in found]
                       for found in router.suggest_many([text for text, _ in pairs], k=3, target=target)]
        top1 = sum(s[0] == label for s, (_, label) in zip(suggestions, pairs)) / len(pairs)
        top3 = sum(label in s for s, (_, label) in zip(suggestions, pairs)) / len(pairs)
        click.echo(f"内置默认模型（模拟城市训练，未见过真实数据；按一级分类名称比较）: {len(pairs)} 条, "
                   f"top-1 = {top1:.3f}, top-3 = {top3:.3f}")


@text_eval.command("replies")
@click.option("--file", "path", type=click.Path(exists=True), help="默认：teddy2020/sample_replies.xlsx")
def eval_replies(path):
    """找出的空洞/套话答复，以及未被标记的具体答复。"""
    from rexian.text.evaluation import evaluate_replies

    rows = evaluate_replies(path)
    flagged = [row for row in rows if row["flags"]]
    empty = [row for row in rows if row["scores"].boilerplate >= 0.7]
    click.echo(f"答复 {len(rows)} 条；套话/空话 {len(empty)} 条；任一问题（空话/不具体/答非所问）{len(flagged)} 条\n")
    click.echo("== 发现的空话答复 ==")
    for row in empty:
        reason = row["scores"].evidence["boilerplate"].get("reason", "")
        click.echo(f"[{row['id']}] {row['title'][:24]}｜{row['reply'][:60]!r}｜套话 {row['scores'].boilerplate:.2f}｜{reason}")
    click.echo("\n== 其他被标记的答复 ==")
    for row in flagged:
        if row not in empty:
            s = row["scores"]
            click.echo(f"[{row['id']}] {row['title'][:24]}｜{'、'.join(row['flags'])}｜具体 {s.specificity:.2f} 相关 "
                       f"{s.relevance}｜{row['reply'][:50]}")
    click.echo("\n== 具体的答复（未标记，供核对）==")
    specific = sorted((row for row in rows if not row["flags"]), key=lambda row: -row["scores"].specificity)
    for row in specific:
        s = row["scores"]
        found = s.evidence["specificity"]
        parts = [f"{key}:{'/'.join(map(str, values[:3]))}" for key, values in found.items() if values]
        click.echo(f"[{row['id']}] 具体 {s.specificity:.2f} 相关 {s.relevance:.2f}｜{row['title'][:22]}｜{'；'.join(parts)[:110]}")


@text_eval.command("same-matter")
@click.option("--file", "path", type=click.Path(exists=True), help="默认：teddy2020/messages_with_votes.xlsx")
@click.option("--window-days", default=30.0, show_default=True, help="同一诉求的时间窗（天）")
@click.option("--threshold", default=None, type=float, help="同一诉求相似度阈值（默认0.6）")
@click.option("--groups", "shown_groups", default=25, show_default=True, help="打印的组数")
@click.option("--synthetic", default=20000, show_default=True,
              help="另取这么多带真值的生成工单做关联，打印精确率/召回率（0：跳过）")
def eval_same_matter(path, window_days, threshold, shown_groups, synthetic):
    """同一诉求的留言分组、近似未并组的，以及在生成真值上的精确率/召回率。"""
    from rexian.text.evaluation import near_misses, teddy_messages
    from rexian.text.matter_index import link_batch
    from rexian.text.matter_pairs import SAME_THRESHOLD

    threshold = SAME_THRESHOLD if threshold is None else threshold
    tickets = teddy_messages(path)
    by_id = {ticket["ticket_id"]: ticket for ticket in tickets}
    started = time.perf_counter()
    groups = link_batch(tickets, window_days=window_days, threshold=threshold)
    elapsed = time.perf_counter() - started
    linked = sum(len(group) for group in groups)
    click.echo(f"留言 {len(tickets)} 条，时间窗口 {window_days:g} 天：同一事项的组 {len(groups)} 个，涉及 {linked} 条"
               f"（{elapsed:.1f} 秒）\n")
    click.echo(f"== 最大的 {shown_groups} 组 ==")
    for group in groups[:shown_groups]:
        click.echo(f"[{len(group)}件] " + " ｜ ".join(by_id[i]["title"][:30] for i in group[:4]))
    click.echo("\n== 差一点被认为是同一事项的（供检查）==")
    for score, a, b, reasons in near_misses(tickets, groups, window_days, threshold):
        click.echo(f"{score:.2f}  {a['title'][:30]}  ⇄  {b['title'][:30]}  （{'；'.join(reasons)}）")
    if synthetic:
        from rexian.text.evaluation import synthetic_linking

        result = synthetic_linking(synthetic, window_days, threshold)
        click.echo(f"\n== 生成数据（已知真相）{synthetic} 条 ==")
        click.echo(f"同一事项配对: precision = {result['precision']:.3f}, recall = {result['recall']:.3f} "
                   f"（预测 {result['predicted_pairs']} 对，真实 {result['true_pairs']} 对，{result['seconds']:.1f} 秒）")


@text_eval.command("misconduct")
@click.option("--file", "path", type=click.Path(exists=True),
              help="要读的留言。默认：teddy2020/messages_with_votes.xlsx（真实留言）")
@click.option("--simulated", "data_dir", type=click.Path(exists=True, file_okay=False),
              help="改用 rexian simulate --out DIR 的目录，按其真值文件评分")
@click.option("--labelled", is_flag=True, help="改为在人工标注的真实留言上计算精确率与召回率（95%置信区间，见 docs/text.md）")
@click.option("--split", type=click.Choice(list(LABEL_SPLITS)), default="all",
              show_default=True, help="与 --labelled 同用：评分所用的标注子集（first 为第一批，fresh 为第二批，fresh2 为第三批，"
                                      "fresh3 为第四批，fresh4 为第五批，fresh5 为第六批（留作最终检验），fresh6 为第七批，"
                                      "all 为已用于开发的全部标注）")
@click.option("--patterns", is_flag=True, help="与 --labelled 同用：列出每个产生命中的短语的精确率")
@click.option("--external", "external_dir", type=click.Path(exists=True, file_okay=False),
              help="在项目之外保存的标注集上计算精确率与召回率：目录内 letters.jsonl（每行 {\"id\", \"text\"}）"
                   "与 labels.csv（letter_id、label，可有两遍标注 pass_a/pass_b 与 note），见 tools/misconduct_external/README.md")
@click.option("--show", default=20, show_default=True, help="每类打印的命中（或误报与漏报）条数")
def eval_misconduct(path, data_dir, labelled, split, patterns, external_dir, show):
    """态度恶劣、吃拿卡要、侵占/贪污、违规吃喝的举报：在真实留言上列出命中供人核对，在人工标注的留言上计算精确率与召回率，或在模拟城市上评分。"""
    from rexian.text.evaluation import misconduct_against_truth, misconduct_on_teddy

    if external_dir:
        _print_external(external_dir, show)
        return
    if labelled:
        _print_labelled(split, patterns, show)
        return
    if data_dir:
        result = misconduct_against_truth(data_dir)
        click.echo(f"{'family':<20}{'truth':>7}{'found':>7}{'right':>7}  {'prec':>5}  {'recall':>6}")
        for family, row in result.items():
            click.echo(f"{family:<20}{row['true']:>7}{row['found']:>7}{row['right']:>7}  "
                       f"{row['precision']:5.3f}  {row['recall']:6.3f}")
        for family, row in result.items():
            for ticket_id, explanation in row["false_alarms"][:show]:
                click.echo(f"误报 {family} {ticket_id}：{explanation}")
            for ticket_id in row["missed"][:show]:
                click.echo(f"漏报 {family} {ticket_id}")
        return
    result = misconduct_on_teddy(path)
    click.echo(f"来信 {result['messages']} 件；命中 {result['hits']}；"
               f"因行为人不属公职人员而排除 {result['set_aside_non_public']}\n")
    shown: dict[str, int] = {}
    for row in result["rows"]:
        shown[row["family"]] = shown.get(row["family"], 0) + 1
        if shown[row["family"]] <= show:
            click.echo(f"[{row['id']}] {row['family']}｜{row['explanation']}｜…{row['excerpt']}…")


def _interval(value, bounds) -> str:
    if value is None:
        return "   —  (无样本)      "
    return f"{value:5.3f} [{bounds[0]:.2f}, {bounds[1]:.2f}]"


def _print_labelled(split: str, patterns: bool, show: int) -> None:
    from rexian.text.evaluation import (
        misconduct_label_agreement,
        misconduct_on_labels,
        misconduct_pattern_precision,
    )

    try:
        sets = misconduct_label_agreement(split)
    except FileNotFoundError as missing:
        raise click.ClickException(str(missing)) from None
    for item in sets:
        _print_agreement(item["set"], item["letters"], item["agreement"])
    result = misconduct_on_labels(split)
    _print_scores(result, show)
    if patterns:
        click.echo(f"\n各短语的精确率（{split}）：")
        for row in misconduct_pattern_precision(split):
            click.echo(f"  {row['family']:<18}{row['act']:<20}{row['confirmed']:>3}/{row['findings']:<3} {row['precision']:.2f}")


def _print_agreement(name: str, letters: int, agreement: dict | None) -> None:
    if agreement is None:
        click.echo(f"标注集 {name}（{letters} 封）：一遍标注，无第二遍，故无一致性数字")
        return
    kappas = "，".join(f"{family} " + ("—（两遍皆未标）" if row["kappa"] != row["kappa"] else f"{row['kappa']:.2f}")
                       + f"（报告 {row['positives_a']}/{row['positives_b']}，线索 {row['leads_a']}/{row['leads_b']}）"
                       for family, row in agreement["families"].items())
    click.echo(f"标注集 {name}（{agreement['letters']} 封，两遍标注 {'/'.join(agreement['columns'])}）："
               f"Cohen's kappa：整体标签 {agreement['kappa_whole_label']:.2f}，{kappas}；"
               f"分歧 {len(agreement['disagreements'])} 处")


def _print_scores(result: dict, show: int) -> None:
    from rexian.text.misconduct_labels import SCORED_FAMILIES

    click.echo(f"\n{result['split']}：{result['letters']} 封；按信件计，只有“陈述事实且行为人为公职人员”算作发现，线索另计")
    click.echo(f"{'family':<18}{'tp':>4}{'fp':>4}{'fn':>4}  {'precision [95% CI]':<22}{'recall [95% CI]':<22}{'leads':>6}")
    for family, row in result["families"].items():
        click.echo(f"{family:<18}{row['tp']:>4}{row['fp']:>4}{row['fn']:>4}  {_interval(row['precision'], row['precision_ci']):<22}"
                   f"{_interval(row['recall'], row['recall_ci']):<22}{row['leads']:>6}")
    pooled = result["pooled"]
    click.echo(f"{'pooled (3 families)':<18}{pooled['tp']:>4}{pooled['fp']:>4}{pooled['fn']:>4}  "
               f"{_interval(pooled['precision'], pooled['precision_ci']):<22}{_interval(pooled['recall'], pooled['recall_ci']):<22}")
    checks = [("pooled precision ≥ 0.85", pooled["precision"], 0.85), ("pooled recall ≥ 0.80", pooled["recall"], 0.80)]
    for family in SCORED_FAMILIES:
        row = result["families"][family]
        checks += [(f"{family} precision ≥ 0.75", row["precision"], 0.75), (f"{family} recall ≥ 0.75", row["recall"], 0.75)]
    for name, value, target in checks:
        verdict = "无样本，无法判断" if value is None else ("达到" if value >= target else f"未达到（{value:.3f}）")
        click.echo(f"  目标 {name}：{verdict}")
    for kind, letter_id, family, explanation, _sentence in result["errors"][:show]:
        click.echo(f"{kind} [{letter_id}] {family}：{explanation}")


def _print_external(directory: str, show: int) -> None:
    from rexian.text.evaluation import misconduct_on_external

    try:
        result = misconduct_on_external(directory)
    except (FileNotFoundError, ValueError) as problem:
        raise click.ClickException(str(problem)) from None
    _print_agreement(directory, result["letters"], result["agreement"])
    _print_scores(result, show)


commands = [train_router_command, text_eval]
