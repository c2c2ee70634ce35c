"""The 3·18 scenario as data: who ordered what, who called them, which links and debits followed.

`plan` is pure: a seed in, a list of VictimPlan out. The writers turn plans into files; the
ground truth is read off the same plans, so files and truth cannot disagree.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from decimal import Decimal

from evidence.sample import people

TZ = dt.timezone(dt.timedelta(hours=8), "CST")  # Asia/Shanghai had no DST in 2015
CENT = Decimal("0.01")
MAX_DEBIT = Decimal("228000.00")
CHANNELS = ("快捷支付", "网银在线")
MERCHANT = "网银在线（北京）科技有限公司"
DOMAINS = (
    "jd-tuikuan.com", "jdkefu-refund.cn", "jd-tk.cc", "jdtuikuan-kf.com", "jd-refund.top",
    "jdkf-tuikuan.net", "m-jd-refund.com", "jd-zhifu.cn", "jdtk95118.com", "360buy-tuikuan.com",
    "jd-kefu.wang", "tuikuan-jd.xyz",
)
ITEMS = (
    ("冲锋衣", "599.00"), ("电饭煲", "399.00"), ("手机壳", "39.90"), ("儿童奶粉", "298.00"),
    ("笔记本电脑", "4999.00"), ("空气净化器", "1699.00"), ("运动鞋", "459.00"), ("移动电源", "129.00"),
    ("蓝牙耳机", "199.00"), ("图书一套", "86.50"), ("剃须刀", "259.00"), ("电动牙刷", "169.00"),
)
STATUSES = ("none", "registered", "agreement", "paid")
MESSY = ("duplicate", "corrupt_image", "unknown_file", "zero_byte")
FRIEND_TEXTS = (
    "晚上回来吃饭吗", "好的，明天见", "到了给我打电话", "周末一起去爬山吧？", "收到，谢谢！",
    "文件已经发你邮箱了", "今天加班，晚点回", "妈，我这周末回家", "快递到了帮我拿一下", "好的👍",
    "生日快乐🎂", "哈哈哈😂太逗了", "路上注意安全", "开会中，稍后回电",
)
SERVICE_TEXTS = (
    ("10086", "【中国移动】尊敬的客户，您本月套餐内通话已使用280分钟，剩余20分钟。"),
    ("10086", "【中国移动】您的话费余额为35.60元，为避免停机请及时充值。"),
    ("10010", "【中国联通】您已成功订购流量加油包。"),
    ("1069009595", "【顺丰速运】您的快件已到达小区快递柜，取件码826193。"),
    ("10690095118", "【京东】您购买的商品已出库，配送员将尽快送达，请保持电话畅通。"),
    ("1065502181166", "【美团】您的外卖订单已送达，祝您用餐愉快。"),
)


@dataclasses.dataclass(frozen=True)
class Msg:
    time: dt.datetime
    address: str
    body: str
    incoming: bool = True
    kind: str = "sms"  # expected EventKind: sms, bank_notice, verification_code, phishing
    amount: Decimal | None = None
    direction: str | None = None
    domain: str | None = None
    contact: str | None = None


@dataclasses.dataclass(frozen=True)
class Call:
    time: dt.datetime
    number: str
    type: int  # SB&R codes: 1 incoming, 2 outgoing, 3 missed, 5 rejected
    duration: int  # seconds
    fraud: bool = False
    contact: str | None = None
    recording: str | None = None  # audio format when the phone recorded the call


@dataclasses.dataclass(frozen=True)
class Txn:
    time: dt.datetime
    amount: Decimal
    direction: str  # debit or credit
    summary: str  # 摘要
    counterparty: str
    balance: Decimal = Decimal(0)
    fraud: bool = False


@dataclasses.dataclass(frozen=True)
class Shot:
    time: dt.datetime
    scene: str  # refund, sms, bank, calls, photo
    style: str  # png_compact, png_dashed, wechat, camera


@dataclasses.dataclass(frozen=True)
class Order:
    id: str
    placed: dt.datetime
    item: str
    amount: Decimal
    channel: str


@dataclasses.dataclass(frozen=True)
class VictimPlan:
    index: int
    id: str
    seed: int
    person: people.Person
    orders: tuple[Order, ...]
    msgs: tuple[Msg, ...]
    calls: tuple[Call, ...]
    txns: tuple[Txn, ...]  # every account movement in Feb-Mar 2015, with balances
    shots: tuple[Shot, ...]
    fraud_numbers: tuple[str, ...]
    domains: tuple[str, ...]
    status: str
    amount_paid: Decimal
    claimed_loss: Decimal
    police_report: dt.datetime
    sms_format: str  # xml or csv_gbk
    calls_format: str  # xml or csv_zoneless
    statements: int
    messy: tuple[str, ...]  # duplicate, corrupt_image, unknown_file, zero_byte

    @property
    def debit_total(self) -> Decimal:
        return sum((t.amount for t in self.txns if t.fraud), Decimal(0))


@dataclasses.dataclass(frozen=True)
class Scale:
    name: str
    background_sms: int
    background_calls: int
    shots: int
    statements: int


SCALES = {
    "small": Scale("small", 14, 3, 4, 1),
    "realistic": Scale("realistic", 180, 15, 30, 2),
}


def _at(day: dt.date, seconds: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=TZ) + dt.timedelta(seconds=seconds)


def _money(rng: random.Random, low: int, high: int, cents: bool = True) -> Decimal:
    value = Decimal(rng.randrange(low * 100, high * 100)) / 100 if cents else Decimal(rng.randrange(low, high))
    return value.quantize(CENT)


def fraud_pool(rng: random.Random, victims: int) -> tuple[list[str], list[str]]:
    """Caller numbers (mostly Hangzhou mobiles) and look-alike domains, a few used widely."""
    n = max(3, round(victims * 0.15))
    numbers: list[str] = []
    while len(numbers) < n:
        roll = rng.random()
        if roll < 0.45:
            number = "1375712" + f"{rng.randrange(10**4):04d}"
        elif roll < 0.85:
            number = "1370571" + f"{rng.randrange(10**4):04d}"
        elif roll < 0.93:
            number = "0571" + f"8{rng.randrange(10**7):07d}"  # Hangzhou landline
        else:
            number = "1705" + f"{rng.randrange(10**7):07d}"  # virtual operator: no city
        if number not in numbers:
            numbers.append(number)
    k = max(2, min(len(DOMAINS), round(victims * 0.08)))
    domains = list(DOMAINS[:k]) + [f"jd-tk{i}.com" for i in range(k, round(victims * 0.08))]
    return numbers, domains


def _weighted(rng: random.Random, pool: list[str]) -> str:
    # Zipf-like: the first few numbers/domains reach many victims, as in the real campaign.
    weights = [1 / (i + 1) for i in range(len(pool))]
    return rng.choices(pool, weights)[0]


def _bank_sms(bank: people.Bank, tail: str, when: dt.datetime, amount: Decimal, debit: bool, balance: Decimal,
              what: str) -> str:
    """A debit/credit notice in the shape this bank really uses (DOMAIN.md B.3.2)."""
    m, d, hh, mi = when.month, when.day, when.hour, when.minute
    a, b = f"{amount:.2f}", f"{balance:.2f}"
    ac, bc = f"{amount:,.2f}", f"{balance:,.2f}"
    out = "支出" if debit else "收入"
    code = bank.code
    if code == "95588":
        party = MERCHANT if debit else "他行汇入"
        return f"您尾号{tail}卡{m}月{d}日{hh:02d}:{mi:02d}{what}{out}({party}){ac}元，余额{bc}元。【工商银行】"
    if code == "95533":
        verb = f"{what}支出" if debit else "转账收入"
        return f"您尾号{tail}的储蓄卡账户{m}月{d}日{hh}时{mi}分{verb}人民币{a}元,活期余额{b}元。[建设银行]"
    if code == "95599":
        if debit:
            return (f"【中国农业银行】您尾号{tail}账户{m:02d}月{d:02d}日{hh:02d}:{mi:02d}"
                    f"向{MERCHANT}完成{what}交易人民币-{a}，余额{b}。")
        return f"【中国农业银行】您尾号{tail}账户{m:02d}月{d:02d}日{hh:02d}:{mi:02d}完成转存交易人民币{a}，余额{b}。"
    if code == "95566":
        verb = "网上支付支取" if debit else "银联入账"
        return f"您的借记卡账户{tail}，于{m}月{d}日{verb}人民币{a}元,交易后余额{b}【中国银行】"
    if code == "95555":
        verb = f"{what}扣款" if debit else "银联卡转入"
        return f"【招商银行】您账户{tail}于{m:02d}月{d:02d}日{hh:02d}:{mi:02d}{verb}人民币{a}，余额{b}"
    if code == "95559":
        verb = f"{what}转出" if debit else "转入"
        return f"您尾号{tail}交行借记卡{m}月{d}日{hh}时{mi:02d}分{verb}人民币{a}元，余额为人民币{b}元。【交通银行】"
    if code == "95568":
        verb = "支出" if debit else "存入"
        return f"账户*{tail}于{m:02d}月{d:02d}日{hh:02d}:{mi:02d}{verb}￥{a}元，可用余额{b}元。{what}。【民生银行】"
    if code == "95558":
        verb = f"{what}支出" if debit else "跨行转入存入"
        return (f"【中信银行】您尾号{tail}的中信卡于{m:02d}月{d:02d}日{hh:02d}:{mi:02d}，"
                f"{verb}人民币{a}元，当前余额为人民币{b}元。")
    if code == "95561":
        verb = f"{what}支出" if debit else "网联付款收入"
        return f"{d}日{hh:02d}:{mi:02d}账户*{tail}*{verb}{a}元，余额{b}元[兴业银行]"
    if code == "95528":
        verb = "支出" if debit else "转入"
        return f"您尾号{tail}卡人民币活期{hh:02d}:{mi:02d}{verb}{ac}元[{what}],可用余额{bc}元。【浦发银行】"
    if code == "95508":
        verb = f"{what}支出" if debit else "转入"
        return f"【广发银行】您尾号{tail}广发卡{d}日{hh:02d}:{mi:02d}{verb}人民币{a}元，余额{b}元。"
    if code == "95595":
        verb = "支出" if debit else "存入"
        return f"尾号{tail}账户{hh:02d}:{mi:02d}{verb}{a}元，余额{b}元，摘要:{what}。[光大银行]"
    if code == "95511":
        verb = f"{what}转出" if debit else "付款业务转入"
        return (f"您尾号{tail}的账户于{m}月{d}日{hh:02d}:{mi:02d}{verb}人民币{a}元,"
                f"存款账户余额人民币{b}元。详询95511-3【平安银行】")
    # 95580 PSBC: 2-digit year first, 3-digit tail
    verb = f"{what}，支出金额" if debit else "转账存入，收入金额"
    return f"【邮储银行】{when:%y}年{m:02d}月{d:02d}日{hh:02d}:{mi:02d}您尾号{tail[-3:]}账户{verb}{a}元，余额{b}元。"


def _otp(bank: people.Bank, code: str, amount: Decimal) -> str:
    if bank.code in ("95588", "95533", "95566", "95555"):
        return (f"【{bank.short}】验证码：{code}，您正在进行快捷支付，金额{amount:.2f}元，收款方：{MERCHANT}。"
                "任何人索要验证码均为诈骗，请勿泄露！")
    return (f"您正在使用快捷支付向{MERCHANT}付款{amount:.2f}元，动态密码{code}，请勿向任何人提供。"
            f"【{bank.short}】")


def _split(rng: random.Random, total: Decimal, parts: int) -> list[Decimal]:
    if parts == 1:
        return [total]
    weights = [rng.uniform(1, 4) for _ in range(parts)]  # no part below 1/13 of the total
    shares = [w / sum(weights) for w in weights]
    amounts = [(total * Decimal(str(round(s, 4)))).quantize(Decimal("1")) for s in shares[:-1]]
    return [*(a.quantize(CENT) for a in amounts), (total - sum(amounts)).quantize(CENT)]


def _unique_times(items: list[dt.datetime]) -> list[dt.datetime]:
    seen: set[dt.datetime] = set()
    out = []
    for t in sorted(items):
        while t in seen:
            t += dt.timedelta(seconds=1)
        seen.add(t)
        out.append(t)
    return out


def victim(index: int, seed: int, numbers: list[str], domains: list[str], scale: Scale,
           status: str, victims: int) -> VictimPlan:
    rng = random.Random(f"{seed}:{index}")
    person = people.person(rng, rng.randrange(len(people.REGIONS)))
    bank = person.bank
    tail = person.card[-4:]
    vid = f"V{index + 1:03d}"

    # --- the order, and the call that followed it ---
    day = dt.date(2015, 3, 8) + dt.timedelta(days=rng.randrange(11))
    placed = _at(day, rng.randrange(9 * 3600, 20 * 3600) // 60 * 60)
    item, price = rng.choice(ITEMS)
    order = Order(f"9{rng.randrange(10**9):09d}", placed, item, Decimal(price), rng.choice(("网银在线", "货到付款",
                                                                                              "京东白条")))
    caller = _weighted(rng, numbers)
    t_call = placed + dt.timedelta(seconds=rng.randrange(1800, 6 * 3600))
    talk = rng.randrange(420, 1800)
    fmt = ("amr", "m4a", "mp3", "amr")[index % 4]
    calls: list[Call] = []
    fraud_numbers = [caller]
    if rng.random() < 0.3:  # a first attempt the victim missed
        calls.append(Call(t_call - dt.timedelta(seconds=rng.randrange(120, 900)), caller, 3, 0, fraud=True))
    calls.append(Call(t_call, caller, 1, talk, fraud=True, recording=fmt))
    domain = _weighted(rng, domains)
    phish_from = caller if caller.startswith("1") and rng.random() < 0.7 else "1065902" + f"{rng.randrange(10**6):06d}"
    path = f"r/{rng.randrange(10**6):06d}"
    masked = person.name[0] + "*" * (len(person.name) - 1)
    msgs: list[Msg] = []
    t_phish = t_call + dt.timedelta(seconds=rng.randrange(90, 360))
    msgs.append(Msg(t_phish, phish_from,
                    f"【京东】尊敬的{masked}，您的订单{order.id}因仓库系统异常需办理退款，"
                    f"请登录 http://{domain}/{path} 按提示填写退款信息，退款将原路返还。",
                    kind="phishing", domain=domain))

    # --- debits: 1-4, hundreds to 228000 yuan, each after a verification code ---
    parts = rng.choices((1, 2, 3, 4), (4, 3, 2, 1))[0]
    if index == 0:
        total = MAX_DEBIT * parts
    else:
        total = Decimal(round(10 ** rng.uniform(2.5, 5.3))).quantize(CENT)
        total = max(total, Decimal(500) * parts)
    amounts = _split(rng, total, parts)
    if index == 0:
        amounts = [MAX_DEBIT] * parts
    t = t_phish + dt.timedelta(seconds=rng.randrange(240, 600))
    debit_times = []
    for _ in amounts:
        debit_times.append(t)
        t += dt.timedelta(seconds=rng.randrange(120, 900))
    if rng.random() < 0.35:  # a second "agent" calls back, often from another pool number
        second = _weighted(rng, numbers)
        if second not in fraud_numbers:
            fraud_numbers.append(second)
        calls.append(Call(debit_times[0] + dt.timedelta(seconds=rng.randrange(30, 120)), second, 1,
                          rng.randrange(120, 600), fraud=True, recording=fmt))
    if rng.random() < 0.25:  # the victim calls the number back once the money is gone
        calls.append(Call(t + dt.timedelta(seconds=rng.randrange(600, 3000)), caller, 2, rng.randrange(0, 40),
                          fraud=True))
    t_jd = t + dt.timedelta(seconds=rng.randrange(3600, 4 * 3600))
    calls.append(Call(t_jd, "4006065500", 2, rng.randrange(120, 400), contact="京东客服",
                      recording="wav" if index % 5 == 3 else None))

    # --- the account: salary and ordinary spending, then the fraud ---
    movements: list[tuple[dt.datetime, Decimal, str, str, str, bool]] = []
    salary_day = dt.date(2015, 2, 10)
    for month_day in (salary_day, dt.date(2015, 3, 10)):
        movements.append((_at(month_day, 9 * 3600 + rng.randrange(3600)), _money(rng, 3000, 12000, False),
                          "credit", "代发工资", "工资", False))
    for _ in range(rng.randrange(2, 6)):
        when = _at(dt.date(2015, 2, 1) + dt.timedelta(days=rng.randrange(30)), rng.randrange(8 * 3600, 22 * 3600))
        if when < placed - dt.timedelta(hours=1):
            movements.append((when, _money(rng, 12, 800), "debit", "消费", rng.choice(
                ("支付宝-美团", "财付通-滴滴出行", "银联POS-超市", "支付宝-淘宝")), False))
    for when, amount in zip(debit_times, amounts, strict=True):
        channel = rng.choice(CHANNELS)
        movements.append((when, amount, "debit", channel, MERCHANT, True))
    movements.sort(key=lambda m: m[0])
    spend = sum((m[1] for m in movements if m[2] == "debit"), Decimal(0))
    balance = (spend + _money(rng, 200, 20000)).quantize(CENT)
    txns: list[Txn] = []
    for when, amount, direction, summary, party, fraud in movements:
        balance += amount if direction == "credit" else -amount
        txns.append(Txn(when, amount, direction, summary, party, balance, fraud))

    for txn in txns:
        # The notice arrives a few seconds after the debit; the OTP came just before it.
        sent = txn.time + dt.timedelta(seconds=rng.randrange(3, 40))
        body = _bank_sms(bank, tail, txn.time, txn.amount, txn.direction == "debit", txn.balance,
                         txn.summary if txn.fraud else ("消费" if txn.direction == "debit" else "工资"))
        msgs.append(Msg(sent, bank.code, body, kind="bank_notice", amount=txn.amount, direction=txn.direction))
        if txn.fraud:
            code = f"{rng.randrange(10**6):06d}"
            msgs.append(Msg(txn.time - dt.timedelta(seconds=rng.randrange(40, 100)), bank.code,
                            _otp(bank, code, txn.amount), kind="verification_code"))

    # --- ordinary life around it ---
    friends = [(people.contact_number(rng), rng.choice(("妈妈", "老公", "老婆", "小王", "张姐", "同事李", "表哥")))
               for _ in range(5)]
    start = dt.datetime(2015, 2, 15, 8, tzinfo=TZ)
    span = int((dt.datetime(2015, 3, 25, 22, tzinfo=TZ) - start).total_seconds())
    for _ in range(scale.background_sms):
        when = start + dt.timedelta(seconds=rng.randrange(span))
        if rng.random() < 0.7:
            number, name = rng.choice(friends)
            incoming = rng.random() < 0.6
            msgs.append(Msg(when, number, rng.choice(FRIEND_TEXTS), incoming=incoming, contact=name))
        else:
            number, text = rng.choice(SERVICE_TEXTS)
            msgs.append(Msg(when, number, text))
    msgs.append(Msg(placed + dt.timedelta(seconds=rng.randrange(20, 90)), "10690095118",
                    f"【京东】您的订单{order.id}已提交成功，商品：{item}，金额{price}元。"))
    for _ in range(scale.background_calls):
        when = start + dt.timedelta(seconds=rng.randrange(span))
        number, name = rng.choice(friends)
        kind = rng.choices((1, 2, 3, 5), (5, 5, 2, 1))[0]
        calls.append(Call(when, number, kind, rng.randrange(15, 900) if kind in (1, 2) else 0, contact=name))

    # SB&R keeps one record per millisecond; keep our times unique to the second as phones do.
    msg_times = _unique_times([m.time for m in msgs])
    msgs = [dataclasses.replace(m, time=t) for m, t in zip(sorted(msgs, key=lambda m: m.time), msg_times, strict=True)]
    calls.sort(key=lambda c: c.time)

    # --- screenshots: the refund page while it happened, then SMS, bank app and call log ---
    shots: list[Shot] = [Shot(t_phish + dt.timedelta(seconds=rng.randrange(60, 200)), "refund", "png_compact")]
    after = debit_times[-1]
    scenes = ("sms", "bank", "calls", "sms", "bank", "refund")
    styles = ("png_compact", "png_dashed", "wechat", "wechat", "wechat", "png_compact", "wechat", "wechat")
    for i in range(scale.shots - 2):
        when = after + dt.timedelta(seconds=rng.randrange(120, 6 * 86400))
        shots.append(Shot(when, scenes[i % len(scenes)], styles[(i + index) % len(styles)]))
    police = (after + dt.timedelta(days=1, seconds=rng.randrange(3600, 8 * 3600))).replace(second=0)  # toml: minutes
    shots.append(Shot(police + dt.timedelta(seconds=rng.randrange(600, 3600)), "photo", "camera"))
    shot_times = _unique_times([s.time for s in shots])
    shots = [dataclasses.replace(s, time=t) for s, t in zip(sorted(shots, key=lambda s: s.time), shot_times,
                                                               strict=True)]

    debit_total = sum(amounts, Decimal(0))
    claimed = debit_total
    if index % 7 == 5:  # some claims add the order price, so the checklist has a mismatch to show
        claimed = debit_total + order.amount
    paid = Decimal(0)
    if status == "paid":
        paid = (debit_total * Decimal("0.3")).quantize(CENT)
    messy = tuple(name for k, name in enumerate(MESSY) if k % victims == index)
    return VictimPlan(
        index=index, id=vid, seed=seed, person=person, orders=(order,), msgs=tuple(msgs), calls=tuple(calls),
        txns=tuple(txns), shots=tuple(shots), fraud_numbers=tuple(fraud_numbers), domains=(domain,),
        status=status, amount_paid=paid, claimed_loss=claimed, police_report=police,
        sms_format="csv_gbk" if index == 1 else "xml", calls_format="csv_zoneless" if index == 2 else "xml",
        statements=scale.statements, messy=messy,
    )


def plan(victims: int, seed: int, scale: str) -> list[VictimPlan]:
    rng = random.Random(seed)
    numbers, domains = fraud_pool(rng, victims)
    statuses = [STATUSES[i % 4] for i in range(victims)]
    rng.shuffle(statuses)
    return [victim(i, seed, numbers, domains, SCALES[scale], statuses[i], victims) for i in range(victims)]
