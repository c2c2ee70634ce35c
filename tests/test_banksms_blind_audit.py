"""A blind audit of the bank-SMS reader by people who never saw it (thirteenth pass, 2026-12-07).

Seventeen helpers, each given only a brief (tests/data/bank_sms_audit/brief-{a..u}.md) - no access
to the reader's code, no running of it - wrote Chinese bank and payment SMS as they remember banks
word them, with their own labels: (a) 122 moving money across ~50 institutions, (b) 114 mostly
moving none (bills, holds, pending transfers, offers, codes naming sums, fraud texts), (c) 104 app
pushes and notification cards, (d) 105 credit-card and consumer-credit texts, (e) 116 in the wording
of 2013-2016, the case's years, (f) 124 from ~80 regional, city and rural banks, (g) 113 of the
fraud day itself (orders, lures, codes, the debits that followed, refunds, freezes), (h) 108
transfers and remittances naming both sides, (i) 104 codes and security notices naming sums, (k) 104
payment platforms' texts of 2013-2016, (l) 100 texts as OCR of a screenshot returns them (spaces and
line breaks inside figures, O for 0, l for 1, the SMS app's own words), (m) 100 notices with several
figures, (o) 101 that reached the lawyer without their sender or signature (forwards, contact names,
pasted copies), (q) 103 of what follows a fraud (freezes, stops, disputes, money recovered,
compensation), (s) 92 bilingual and Hong Kong, Macau and Taiwan texts, (t) 94 of loans, mortgages
and housing funds, (u) 92 of small merchants and business accounts. They are CONSTRUCTED texts, not
real messages, so no figure on them is a held-out accuracy (tests/data/bank_sms/SPLIT.md keeps
those); their value is wording the reader's authors did not choose. Each set was read once before
any of its errors was looked at, with the reader of its round: a, b at 7c56326 (111/122, 105/114
with 1 spurious debit: a direct debit's cap); c, d, e at 5cc1ec5 (93/104 with 1 spurious debit:
京东小金库 paid out to the holder's own card; 94/105; 111/116); f, h, g at 512eb68 and after the fixes of
the sets read before them in that round (120/124; 102/108 with 1 spurious debit: a 50,000 transfer
受理中, its funds frozen; 108/113); i, k, l at 61cd696 (103/104; 93/104; 84/100 with 1 spurious debit:
a purchase turned into instalments, 分期付款交易5,000元已成功, and 7 figures OCR had broken, 人民币l,500.00元 read
as 500.00); m, o, q at a347730 (94/100; 91/101; 96/103); s, t, u at 6bc0349 (79/92; 87/94; 80/92).
The classes they showed were then fixed (tests/test_banksms_thirteenth.py); each line must now read
as labelled, except those below: BY_DESIGN where the project's own labelling rules (SCHEMA.md, and
dev's real messages as labelled) differ from the helper's, KNOWN_GAPS where the reader is still
short. Neither kind is ever read as a debit the helper did not label.

A seventh round (fourteenth pass, 2026-12-08), eight more helpers under the same brief with new foci:
(v) 114 money IN worded with paying words (代付, 付款, 提现, refunds, claims), (w) 104 in the 2014-2016
templates of joint-stock and city banks, (x) 110 investment, savings and insurance flows, (y) 112
government, salary and benefit money, (z) 108 card payments through third-party payment companies,
(j) 106 corrections and state changes (冲正, 挂账, 冻结, 扣划, 销户), (n) 100 foreign currency and
cross-border, (p) 113 texts as a victim copies them (split parts, typos, 1.5万元, app rows). All eight
read once at 1bf4ed0, before any error was looked at: 811/867 (93.5 %) - v 110/114, w 100/104, x
99/110, y 107/112, z 107/108, j 97/106, n 90/100, p 101/113 - with 3 spurious debits (a transfer the
bank held, 挂账, and would send back; 零钱通 paid out to the holder's card under a headline taken for a
name; 收到公积金提取款, whose 取款 decided because a time's colon had ended the clause before 收到) and no
credit read as a debit. Fixed as classes in tests/test_banksms_fourteenth.py.

An eighth round the same day, eight more helpers: (r) 108 movements in many sentence structures
(passive, 将/把, amount first, the counterparty or the bank as subject), (aa) 108 money in from people
and platforms as the receiving bank words it, (ab) 100 from banks and credit unions of the west, the
north-east and the south-west, (ac) 100 in the templates of 2008-2014, (ad) 100 with numbers everywhere
(dates, times, card and reference numbers, fees and balances before the amount), (ae) 111 platform cards
copied as text, mostly money in, (af) 100 fraud texts among the real notices they caused, (ag) 100 of
business, joint and family accounts. All eight read once at ded17af: 790/827 (95.5 %) - r 105/108, aa
105/108, ab 99/100, ac 97/100, ad 97/100, ae 99/111, af 94/100, ag 94/100 - with 5 spurious debits (网联收款
收入 from 财付通 read as 财付通 collecting from the holder; a cancelled scheduled transfer naming its
payee; a WeChat transfer not yet accepted; 商家付款到零钱 read by its 付款金额 label; a transfer awaiting
face verification) and no credit read as a debit.

A ninth round the same day: (ah) 129 in the seven largest banks' 2013-2016 templates, (ai) 100 terse and
abbreviated notices (尾号1234 +500.00 余…, 支/收/取, Cr./Dr.), (aj) 103 movements wrapped in adverts and
warnings full of money words, (ak) 107 moves between the holder's own accounts and products, from either
side, (al) 106 in the seven banks' 2017-2024 wording, (am) 107 credit cards of the joint-stock banks,
(an) 105 from the rural credit unions of the east and the centre, (ao) 100 around the JD fraud itself.
All eight read once at 3f423c2: 808/857 (94.3 %) - ah 127/129, ai 87/100, aj 102/103, ak 96/107, al
102/106, am 101/107, an 102/105, ao 91/100 - with 3 spurious debits (零钱通 paid out under 到账银行：; 招商银行
朝朝宝转出至账户; a transfer booked for a later day) and no credit read as a debit. The rewrites of
bench/notices_metamorphic.py run over all these texts too (`--audit`).

A tenth round the same day: (aq) 103 payments that need no code (协议支付, 免密, 代扣, NFC, 数字人民币),
(ar) 100 pairs and echoes of one transaction (debit then reversal, refunds, pre-authorisations), (as) 100
texts holding several movements or figures, (at) 100 with the other party's card beside the holder's in
every order, (aw) 104 of twenty consumer lenders, (ax) 100 as export tools deliver them (entities, split
records, contact names as senders), (ay) 100 amount formats, (az) 104 scan-to-pay from both sides. All
eight read once at 8d1b886: 770/811 (94.9 %) - aq 96/103, ar 99/100, as 91/100, at 100/100, aw 90/104,
ax 99/100, ay 93/100, az 102/104 - with 3 spurious debits (a recurring charge's sign-up, 扣费金额 ￥25.00/月;
a day's summary, 共支出3笔，合计…; a loan 打款至 the holder's card read as the holder paying) and no
credit read as a debit.

An eleventh round the same day: (ba) 105 with negations and hypotheticals around money words, (bb) 104
risk-control and security notices naming transactions, (bc) 100 run-on texts with little punctuation,
(bd) 100 with their fields out of the usual order, (be) 107 about the holder's linked and electronic
accounts (II类户, 数字人民币 wallets), (bf) 100 long notices with marketing around the movement, (bg) 100
lures from real banks' numbers among those banks' real notices, (bh) 100 everyday payments and
refunds. All eight read once at 93a2b22: 776/816 (95.1 %) - ba 104/105, bb 95/104, bc 92/100, bd 98/100,
be 98/107, bf 93/100, bg 99/100, bh 97/100 - with 4 spurious debits (a debit announced for tomorrow,
届时将自动扣款; an account suspended after many transfers and a bank's anti-fraud lesson, both read as
debits without an amount; a card whose status line said 已拦截) and no credit read as a debit.

A twelfth round closed the pass, four of its eight sets money in only (the issue's own failure: credits
read as debits): (bi) 115 credits of the big banks, (bj) 110 of city and rural banks, (bk) 115 through
platforms, lenders and merchants, (bl) 101 as app cards and field layouts, (bm) 105 debits of the fraud's
kind, (bn) 100 texts that look like movements and are not, (bo) 100 of one victim's phone in March 2015,
(bp) 100 of the hardest real wordings a helper could think of. Read once at 980f832: 807/846 (95.4 %) -
bi 114/115, bj 109/110, bk 102/115, bl 99/101, bm 102/105, bn 94/100, bo 93/100, bp 94/100 - no credit
read as a debit, 4 spurious debits (a credit card's 退货，金额人民币-459.00元 with 退货 in the clause
before; a cash withdrawal booked, 已成功预约…取现; a transfer whose status is unknown; currency exchanged
inside the account, 支取美元…存入人民币), fixed as classes. Its other 34 differences were gone through
line by line in the fifteenth pass (2026-12-08, tests/test_banksms_fifteenth.py): 825/846 after it.

A thirteenth round opened the fifteenth pass: (ca) 101 texts as OCR of a screenshot returns them, (cb) 108
in traditional characters and English (Hong Kong and Macau banks and wallets, mainland banks' English
versions), (cc) 106 loans and mortgages from the borrower's card, (cd) 109 securities, futures, funds and
bonds, (ce) 100 rural banks of the centre, the south and the south-west, (cf) 100 of one phone's 2014-2016
texts, (cg) 117 of small merchants and business accounts, (ch) 108 about money on someone else's behalf
(亲属卡, supplementary cards, a child's or a ward's account). Read once at 1f3ec5e: 766/849 (90.2 %) - ca
98/101, cb 88/108, cc 96/106, cd 91/109, ce 94/100, cf 98/100, cg 108/117, ch 93/108 - no credit read as a
debit, 5 spurious debits (a loan paid by 受托支付 straight to a decorator; a transfer only 已受理; two
亲属卡 a relative gave the holder, paid by the giver; a guarded child's account), fixed as classes, with
the rest the round showed (the bookkeeping verb right before the figure, 贷方发生额 / 借记 and figures
without 元 after a field label, 银证转账, loans repaid from the holder's card, principal and yield paid
together). 816/849 after them; the securities companies' own notices and Hong Kong's English cards are
the largest gap left (KNOWN_GAPS).

A fourteenth round the same day: (ci) 110 app stores, games and subscriptions, (cj) 116 money to and
from public bodies (hospitals and 医保, schools, courts, fines, taxes), (ck) 114 cash at machines and
counters, (cl) 104 big-ticket money (house and car purchases, escrow, deposits), (cm) 110 WeChat's and
Alipay's social money (红包, 群收款/AA, 小荷包, transfers returned), (cn) 100 of what follows a fraud
from the bank's and the police's side, (co) 110 amounts written in unusual ways (万元, capital numerals),
(cp) 103 rural and agricultural money. Read once at 401497e: 809/867 (93.3 %) - ci 102/110, cj 110/116,
ck 109/114, cl 98/104, cm 97/110, cn 95/100, co 99/110, cp 99/103 - with 10 spurious debits (an auto-
renewal's price, 首月6元; a direct-debit agreement ended; a 医保 settlement's 统筹基金支付; currency bought
inside the account; two cash withdrawals booked; 对方已收款; a partner's deposit into a shared 小荷包;
小荷包转出至账户余额, the one credit read as a debit; a credit told as cancelled, 转入…的交易已撤销),
fixed as classes but one (DEBIT_BY_DESIGN: WeChat's 对方已收款 is the project's reading of a transfer
the holder sent). 839/867 after them.

A fifteenth round the same day: (cq) 105 credit cards from the card's own side (fees, interest,
overpayments), (ct) 106 of an elderly person's phone, (cu) 106 of gig and platform workers, (cv) 114
carriers' wallets and prepaid 话费, (cw) 114 payroll and HR money, (cx) 100 other telecom-fraud kinds
(刷单, 安全账户, fake investment), (cy) 108 debt collection and disputes, (cz) 118 of 2015 in the provinces
where many JD.com shoppers lived. Read once at c193627: 787/871 (90.4 %) - cq 89/105, ct 102/106, cu
90/106, cv 83/114, cw 106/114, cx 98/100, cy 102/108, cz 117/118 - with 2 spurious debits (an overpayment
balance read by 抵扣's 扣, fixed; a card push 交易类型：信用卡还款 read as the paying card's debit, which the
helper took for the credit card's - kept by the project's rule, DEBIT_BY_DESIGN). Most of the rest are
carriers' 话费 balances and platforms' own messages, outside what the reader counts (BY_DESIGN). 797/871
after the fixes.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from evidence.model import Direction
from tests.test_banksms_ninth import read

AUDIT = Path(__file__).resolve().parent / "data" / "bank_sms_audit"

# a carrier's message about the phone's 话费 balance (10086, 10010, 10000, 10099, 阿里通信): no money account
_CARRIER = "a carrier's message about the phone's 话费 balance: no money account of a claim"
# id -> why the reading differs from the helper's label, by the project's rules
BY_DESIGN = {
    # a repayment of a credit product that names no account of the holder's that paid (or a wallet):
    # shown for review or read as the product's statement, never a guessed debit
    "ra-81": "花呗 bill repaid from 余额宝: the product's statement, not a debit of the holder's card",
    "ra-82": "借呗 repaid, no paying account named: review (repayment_account_unknown)",
    "ra-83": "a shop's (【京东】) message is the shop's: never read as the holder's account notice",
    "ra-84": "美团月付 repaid, no paying account named, signed by the shop",
    "rd-47": "a shop's (【美团】) message is the shop's",
    "rc-29": "a shop app's unsigned card (美团支付, paid with 美团月付): review, nothing says whose account",
    # a refund the payer has issued, on its way to the holder: money in, as dev's real ones are
    # labelled (tests/test_banksms_frames.py::test_a_payment_to_the_holder_awaiting_arrival_is_money_in)
    "ra-111": "WeChat refund issued, 预计1-3个工作日到账: money in by the project's labels",
    "rb-88": "Alipay refund agreed, 预计…退回至你的招商银行储蓄卡: money in by the project's labels",
    # a spend abroad: the yuan it settled at is the claimant's figure
    "rc-83": "消费美元USD 89.99，约合人民币652.30元: 652.30 yuan is the amount",
    "rg-75": "消费美元45.99，折合人民币约285.72元: 285.72 yuan is the amount",
    # a bare 转账 / 汇款 says no direction: review, unless a voice, a verb or the balance chain decides
    "rf-111": "村镇银行 转账汇款 人民币2,700.00元: review (bare 转账汇款)",
    "rh-57": "邮储 手机银行转账金额1500.00元: review (bare 转账; the balance chain decides with a second notice)",
    # a sum of several payments notified at once may repeat the ones notified one by one: review
    "rg-30": "共发生网上快捷支付3笔，合计人民币15000.00元: review, never counted twice",
    # a transfer of the holder's still on its way: shown with its amount for review, never counted
    "rk-38": "向张伟(尾号4452的银行卡)转账2,000.00元，预计2小时内到账: review (in transit)",
    "rk-40": "a shop's (【京东】) message is the shop's, its wallet's payment too",
    # a bank's notice sent on from a personal mobile (转发：…) is a copy: shown for review, counted
    # nowhere (the original may be in the same export)
    "ro-4": "转发：【中国农业银行】… -12000.00: a forwarded copy, review",
    "ro-15": "转发：【广发银行】…跨行转出18000.00元: a forwarded copy, review",
    "ro-27": "转发: …支出(跨行汇款)50,000元…【工商银行】 with the victim's comment: a forwarded copy, review",
    "ro-69": "转发：【邮储银行】…他行来账50000.00元: a forwarded copy, review",
    # a text with no sender and no signature: what it says is shown for review, not proven the holder's
    "ro-36": "转账成功 / 已向张某…转账3,000.00元 / 付款卡：建设银行(1263), no sender: review (unsigned)",
    "ro-73": "收款到账 / 收款金额 ￥200.00, no sender: review (unsigned)",
    # a WeChat transfer the payee did not take, returned to 零钱: the transfer and its return, review
    "rq-36": "发起的转账￥2,000.00…已退还至零钱: review (sent and returned in one text)",
    # a refund the merchant agreed or started, on its way: money in by the project's labels
    "rm-96": "退款328.00元商家已同意，预计…退回原支付方式: money in by the project's labels",
    "rq-77": "退款2,999.00元商家已同意，预计…原路退回: money in by the project's labels",
    "rq-95": "退款发起通知 / 原路退回零钱 / 预计到账: money in by the project's labels",
    "rq-91": "跨行转出2,000.00元因对方行退回: money in, as a transfer the other bank returned",
    "rm-7": "PSBC 提现金额: money in (SCHEMA and the corrected corpus label)",
    "rq-43": "PSBC 提现金额: money in (SCHEMA and the corrected corpus label)",
    "rs-14": "消费JPY12,800.00，预计折合人民币约618.44元: the yuan is the amount",
    "ru-48": "消费USD59.99，折合人民币约434.33元: the yuan is the amount",
    "rt-10": "助学贷款…成功还款4,360.00元, no paying account named: review (repayment_account_unknown)",
    "rt-25": "借呗…自动还款2,104.38元，扣款来源：余额宝: a wallet paid, review",
    # a transfer the other bank returned: money in, as a refund issued is (the return is done)
    "rh-106": "跨行汇款…被对方行退回，资金将于1-3个工作日内退回原账户: money in by the project's labels",
    # an instalment's principal or fee posted to a card re-bills a purchase counted when it was made
    "rd-36": "分期手续费…已入账: an instalment's figure, counted nowhere",
    # 邮储's own frame: 提现金额 is money drawn from a platform INTO the account (the corrected shared label)
    "re-15": "PSBC 提现金额: money in (SCHEMA and the corrected corpus label)",
    # a housing fund's monthly contribution is money into the holder's fund account, as dev labels it
    "re-114": "公积金汇缴: money in for the fund account",
    # (seventh round, sets j n p v-z)
    "rj-18": "销户结清金额…已转入您尾号*6605的卡: both cards the holder's; read as money into the card named",
    "rj-33": "农业银行 完成定期转存交易人民币50,000.00: ABC's signed frame, money into the account as dev labels it",
    "rj-50": "消费港币1,050.00，折合人民币约968.22元: the yuan is the amount",
    "rn-97": "转账已被对方退回，资金将于24小时内退回零钱: a return issued to the holder, money in by the project's la"
             "bels",
    "rx-29": "赎回的款项…已划出至您尾号3372的账户，预计1-2个工作日到账: paid out to the holder, money in by the labels",
    "rp-70": "预授权完成撤销: the completed charge undone, money back by the reversal rule",
    "rw-80": "PSBC 提现金额: money in (SCHEMA and the corrected corpus label)",
    "rp-54": "retyped, no sender (支出 2千元): review (unsigned)",
    "rp-57": "a 交易明细 row pasted, no sender (金额：-10,000.00): review (unsigned)",
    "rp-58": "a 交易明细 row pasted, no sender (交易金额 +3,000.00): review (unsigned)",
    "rp-95": "hand-typed summary, no sender (网银转出5万): review (unsigned)",
    "rx-32": "a broker's notice (银行转证券) is about the securities account: no notice of a card's movement",
    "rx-33": "a broker's notice (证券转银行) is about the securities account: no notice of a card's movement",
    # (eighth round, sets r aa-ag)
    "rab-100": "跨行转出2000.00元已被退回…资金将于1-3个工作日内退还: a transfer returned, money in by the labels",
    "rac-53": "PSBC 提现金额: money in (SCHEMA and the corrected corpus label)",
    "rad-16": "PSBC 提现金额: money in (SCHEMA and the corrected corpus label)",
    "rac-78": "支付宝 向尾号4471的中国银行卡转账5,000.00元，预计2小时内到账: review (in transit)",
    "rad-83": "a shop's (【美团】) refund 已原路退回…预计到账: money in by the project's labels",
    "rae-35": "退款中 / 退款金额 / 预计1-3个工作日退回原支付账户: a refund issued, money in by the labels",
    "rae-15": "花呗自动还款 / 扣款账户 余额宝: a wallet paid, review",
    "rr-74": "借呗…自动还款1,056.20元，扣款账户：余额宝: a wallet paid, review",
    "rae-50": "a shop's (【美团】) message is the shop's, its wallet's refund too",
    "rr-90": "a shop's (【美团】) message is the shop's, its loan's repayment too",
    "rae-101": "消费(USD)49.99，折合人民币约360.12元: the yuan is the amount",
    "rr-83": "消费USD129.99，折合人民币约940.00元: the yuan is the amount",
    "raf-44": "转账人民币8,000.00元失败，资金已退回原账户: a failure whose money came back is read by its return",
    "rag-77": "公积金提取…已划至您尾号2650的银行卡: money into the holder's card (the fund account is the other side)",
    "rag-83": "跨行汇款 RMB 880.00，手续费 RMB 0.00: review (bare 汇款, no fee paid)",
    # (ninth round, sets ah-ao)
    "rah-58": "PSBC 提现金额: money in (SCHEMA and the corrected corpus label)",
    "rai-48": "PSBC 提现金额: money in (SCHEMA and the corrected corpus label)",
    "ral-60": "PSBC 提现金额: money in (SCHEMA and the corrected corpus label)",
    "rah-129": "跨行汇款1,200.00元被退回…款项将于1-3个工作日内退回: a transfer returned, money in by the labels",
    "rai-72": "花呗账单…已自动还款成功，扣款账户：余额宝: a wallet paid, the product's statement",
    "ral-79": "花呗…已自动还款2,015.33元，扣款方式：余额宝: a wallet paid, review",
    "rak-3": "农业银行 完成定期转活期交易: the holder's own time deposit into current, no money to count",
    "rak-52": "农业银行 完成活期转定期交易人民币-20000.00: the holder's own current into time deposit",
    "rak-41": "活期转入（定期到期转存） +10,000.00: a time deposit rolled into current, the holder's own",
    "rak-78": "活期转定期转出30,000.00元: the holder's own current into time deposit",
    "rak-89": "转存定期，支出人民币20,000.00元: the holder's own current into time deposit",
    "rak-21": "a broker's notice (银行转证券) is about the securities account: no notice of a card's movement",
    "rak-69": "a broker's notice (证券转银行) is about the securities account: no notice of a card's movement",
    "ral-104": "退款发起通知 / 预计1-3个工作日退回原支付方式: a refund issued, money in by the labels",
    "ran-99": "支付宝 退款已原路退回…预计1-3个工作日到账: a refund issued, money in by the labels",
    "rao-58": "支付宝 退款已原路退回…预计1-7个工作日到账: a refund issued, money in by the labels",
    "rao-59": "微信 退款通知 / 退回建设银行储蓄卡(3307) / 退款受理中: a refund issued, money in by the labels",
    "rao-50": "消费USD199.00（约合人民币1,231.41元）: the yuan is the amount",
    "rao-85": "a shop's (【京东】) message is the shop's, its compensation to the JD balance too",
    "rao-86": "a shop's (【京东】) message is the shop's, its refund to 白条 too",
    "rao-94": "汇往王建军…的5,000.00元…被退汇，款项已退回: the transfer and its return in one text, review",
    "ram-52": "分期还款额…（第3/12期）已计入本期账单: an instalment's figure, counted nowhere",
    "ram-70": "分期付款第2期本金…已入账: an instalment's figure, counted nowhere",
    # (tenth round, sets aq-az)
    "raq-73": "a shop's (【美团】) message is the shop's, its 月付 debit too",
    "raw-17": "a shop's (【美团】) message is the shop's, its loan too",
    "raw-41": "a shop's (【京东】) message is the shop's, its 白条 repayment too",
    "rar-18": "PSBC 提现金额: money in (SCHEMA and the corrected corpus label)",
    "rax-90": "PSBC 提现金额: money in (SCHEMA and the corrected corpus label)",
    "ras-59": "花呗账单已自动还款…扣款渠道：余额宝: a wallet paid, the product's statement",
    "raw-58": "花呗账单…已自动还款成功，扣款来源：余额宝: a wallet paid, the product's statement",
    "ray-68": "借呗本期账单已还款 (no paying account): the product's statement",
    "raw-45": "招联 您已成功还款 (no card named): the lender's notice, money into the loan account",
    "raw-50": "宜人贷 成功还款 (no card named): the lender's notice, money into the loan account",
    "raw-53": "小赢卡贷 您的还款已到账 (no card named): the lender's notice, money into the loan account",
    "ras-60": "活期转定期支出人民币50,000.00元: the holder's own current into time deposit",
    "rw-61": "跨行代收人民币600.00元 alone: a collection from the account or into it (民生 贷记…摘要：跨行代收): revi"
             "ew",
    "rac-54": "邮储 跨行代收金额4999.00元 alone: a collection from the account or into it: review",
    # (eleventh round, sets ba-bh)
    "rbb-67": "境外消费…USD 699.99，折合人民币约5,040.00元: the yuan is the amount",
    "rbb-69": "支付宝 登录并完成转账2,000.00元 (a bare 转账 in a security notice): review",
    "rbb-71": "财付通 退款金额1,088.00元将原路退回…预计1-3个工作日到账: a refund issued, money in by the labels",
    "rbf-88": "a shop's (【京东】) refund 已原路退回…预计到账: money in by the project's labels",
    "rbc-44": "PSBC 提现金额: money in (SCHEMA and the corrected corpus label)",
    "rbd-34": "活期转存定期支出: the holder's own current into time deposit",
    "rbe-77": "活期转定期，转出人民币50,000.00元: the holder's own current into time deposit",
    "rbf-75": "活期转定期转出人民币10,000.00元: the holder's own current into time deposit",
    "rbe-40": "转存至子账户（平安盈）: the holder's own account into its sub-account",
    "rbe-30": "公积金 提取…已转入您尾号2201的银行卡: money into the holder's card (the fund account is the other side)",
    "rbe-22": "零钱充值成功 / 充值方式：建设银行储蓄卡(0925): the wallet and the card both the holder's, review",
    "rbg-38": "消费美元99.99，折合人民币将于账单日入账 (no yuan yet): review",
    "rbh-42": "【山东高速ETC】 (a toll operator, no financial institution): its message is its own",
    "rbh-70": "【中国移动】 (a carrier): its message is its own",
    "rag-21": "您关联的子女卡（尾号4417）…收到转账: a child's card, not the holder's - review (others_account)",
    "rag-74": "您关联的子女卡（尾号4417）…消费支出: a child's card, not the holder's - review (others_account)",
    # the twelfth round (triaged in the fifteenth pass)
    "rbk-46": "a shop's (【京东】) refund 已原路退回…预计1-7个工作日到账: money in by the project's labels",
    "rbk-47": "【京东金融】 cashback 已发放至您的京东小金库: a platform's own promotion message, not a notice",
    "rbk-48": "a shop's (【美团】) refund to its own wallet: the shop's message",
    "rbk-64": "a marketplace's (【拼多多】) settlement to a seller's balance: the marketplace's message",
    "rbk-66": "a marketplace's (【闲鱼】) sale proceeds: the marketplace's message",
    "rbk-91": "a shop's (【拼多多】) refund to its own wallet: the shop's message",
    "rbk-92": "a shop's (【携程旅行】) refund to a credit card: the shop's message",
    "rbk-106": "a platform's (【抖音】) earnings paid out: the platform's message, not the bank's",
    "rbk-107": "a platform's (【快手】) earnings paid out to Alipay: the platform's message",
    "rbm-23": "PSBC 提现金额: money in (SCHEMA and the corrected corpus label)",
    "rbo-95": "PSBC 提现金额: money in (SCHEMA and the corrected corpus label)",
    "rbp-45": "PSBC 提现金额: money in (SCHEMA and the corrected corpus label)",
    "rbm-25": "PSBC 手机银行跨行汇款金额 (no 向 / 转出 / 来账): a transfer either way, review",
    "rbo-46": "发生网上银行跨行汇款，金额… (no 向 / 转出 / 来账): a transfer either way, review",
    "rbo-59": "支付宝 转账到您…预计2小时内到账: a payment to the holder on its way, money in by the labels",
    "rbp-20": "完成退款交易人民币-300.00 on a deposit account: the minus and the refund disagree, review",
    "rbp-65": "a bare 跨行代收 (collected by or for the holder): review",
    # the thirteenth round
    "rca-87": "PSBC 提现金额: money in (SCHEMA and the corrected corpus label)",
    "rcb-44": "PSBC 提現，金額: money in (SCHEMA and the corrected corpus label)",
    "rcb-51": "转账汇款…失败，资金已退回原账户: the holder's failed transfer come back, read by its return words",
    "rcb-103": "a shop's (【美团】) payment message: the shop's, not the bank's",
    "rcc-50": "网商贷 repaid from 支付宝余额 (a wallet): no card of the holder's paid, review",
    "rcc-65": "助学贷款已成功还款 naming no account: review (repayment_account_unknown)",
    "rcc-84": "借款成功…预计到账时间: a loan paid out to the holder on its way, money in by the labels",
    "rcg-37": "a utility's (【国网浙江电力】) message about a bank's 代扣: the utility's, not the bank's",
    "rcg-69": "农业银行 完成代扣交易人民币99.00 with no minus: the frame says in, 代扣 says out - review",
    "rch-18": "a school card platform's (【阳光校园一卡通】) top-up message: the platform's",
    "rch-24": "向您尾号3319的账户汇款…预计2小时内到账: a payment to the holder on its way, money in by the labels",
    "rch-54": "消费JPY12,800，折合人民币约612.40元: the yuan is the amount",
    # the fourteenth round
    "rci-40": "WeChat 退款发起通知…预计到账: a refund issued to the holder on its way, money in by the labels",
    "rci-43": "a streaming service's (【网易云音乐】) renewal message: the shop's, not the bank's",
    "rci-107": "a carrier's (【中国移动】) phone-bill payment: the carrier's message",
    "rcj-11": "a public body's (【交管12123】) receipt for a fine: its own message, not a bank's",
    "rcj-35": "消费港币3,200.00元，折合人民币2,951.36元: the yuan is the amount",
    "rcl-83": "境外消费USD1,280.00，折合人民币约9,120.00元: the yuan is the amount",
    "rcn-75": "境外消费美元129.99，约折合人民币940.00元: the yuan is the amount",
    "rck-112": "零钱提现…预计到账时间: the holder's own withdrawal into the card, money in by the labels",
    "rcl-17": "an estate agency's (【链家】) receipt for a deposit into escrow: the agency's message",
    "rcl-18": "【贝壳找房】 refund 已原路退回…预计1-3个工作日到账: money in by the labels",
    "rcm-10": "零钱通转入 from 零钱: a move between the holder's own wallet products, read as 零钱通's credit",
    "rcm-21": "WeChat 退款到账通知, 原路退回至工商银行: a refund to the holder, money in by the labels",
    "rcm-37": "余额宝已转入…资金来自尾号7788银行卡: the holder's own card into his 余额宝, read as 余额宝's credit",
    "rcn-50": "a court's (【…人民法院】) notice of 执行款 paid out: the court's message, not a bank's",
    "rcn-92": "PSBC 提现金额: money in (SCHEMA and the corrected corpus label)",
    "rcp-2": "PSBC 提现金额: money in (SCHEMA and the corrected corpus label)",
    "rco-41": "支付宝 成功退款…将原路退回…预计: a refund issued to the holder, money in by the labels",
    "rco-81": "the holder's 跨行汇款 returned (户名不符被退回): read by its return words, money in",
    "rco-108": "转存定期，活期支出: the holder's own current into time deposit",
    "rcp-47": "定期兑付本息…转入活期: the holder's time deposit paid into his current account, read as money in",
    # the fifteenth round
    "rcq-9": "信用卡溢缴款…转出至您尾号*3358的借记卡: read as money into the debit card it reached",
    "rcq-26": "信用卡现金分期款…转入您尾号0447的借记卡: read as money into the debit card 0447 (the card it reached)",
    "rcq-34": "信用卡第3期分期手续费…已入账: an instalment plan's posting, read as the plan",
    "rcq-52": "消费日元12,800，折合人民币约627元: the yuan is the amount",
    "rcq-63": "龙卡 本期分期手续费…已计入账单: an instalment plan's posting, read as the plan",
    "rct-32": "WeChat 退款通知…退回中国银行储蓄卡: a refund issued to the holder, money in by the labels",
    "rct-35": "a utility's (【国网浙江电力】) message about a bank's 代扣: the utility's, not the bank's",
    "rct-67": "PSBC 提现金额: money in (SCHEMA and the corrected corpus label)",
    "rcu-78": "PSBC 提现金额: money in (SCHEMA and the corrected corpus label)",
    "rct-106": "跨行转账20,000.00元，已退回: the holder's transfer come back, read by its return words, money in",
    "rcu-98": "收到转账10,000.00元，因对方操作失误，请…退还: the money did arrive, money in",
    "rcv-87": "消费USD45.99，约合人民币333.12元: the yuan is the amount",
    "rcv-97": "a shop's (【美团】) refund message: the shop's, not the bank's",
    "rcv-43": "甜橙借钱 repaid (提前结清), no paying account named: review (repayment_account_unknown)",
    "rcv-44": "橙分期订单已放款…已支付给商户 (a purchase on instalments paid to the merchant): read as the plan",
    "rcv-54": "a wallet's (【沃钱包】) promotion reward: an advert's figure",
    "rcw-39": "an employer's (【鼎晟科技】) payslip (应发…实发): the employer's message, not the bank's",
    "rcw-40": "an employer's (【远航物流人事】) payslip: the employer's message",
    "rcw-46": "a salary-advance app's (【工薪宝】) message: the app's, not the bank's",
    "rcw-50": "a court's (【…人民法院】) notice of 执行款 paid out: the court's message",
    "rcw-71": "【企业微信】's payslip naming no account: the employer's message",
    "rcw-72": "an employer's (【华锦集团】) year-end bonus slip: the employer's message",
    "rcy-27": "借呗 repaid, no paying account named: review (repayment_account_unknown)",
    "rcy-93": "【360借条】 您已成功还款…借款已全部结清: the loan's own notice: money into the loan (by rule)",
    "rcu-7": "a gig platform's (【蜂鸟众包】) payout message: the platform's, not the bank's",
    "rcu-8": "a gig platform's (【滴滴出行】) payout message: the platform's",
    "rcu-10": "a platform's (【货拉拉】) deposit returned 预计3-7个工作日到账: the platform's message",
    "rcu-12": "a platform's (【货拉拉】) fine from the driver's platform balance: the platform's message",
    "rcu-13": "a platform's (【快狗打车】) membership fee: the platform's message",
    "rcu-14": "a platform's (【闪送】) withdrawal refused: the platform's message",
    "rcu-15": "a platform's (【滴滴出行】) insurance deducted from earnings: the platform's message",
    "rcu-20": "a marketplace's (【抖店】) settlement to a seller: the marketplace's message",
    "rcu-21": "a marketplace's (【拼多多】) deposit paid: the marketplace's message",
    "rcu-22": "a marketplace's (【拼多多商家后台】) deduction from a seller's deposit: the marketplace's message",
    "rcu-42": "a platform's (【美团】) loan paid out to the card: the platform's message",
    "rcv-1": _CARRIER,
    "rcv-2": _CARRIER,
    "rcv-3": _CARRIER,
    "rcv-4": _CARRIER,
    "rcv-5": _CARRIER,
    "rcv-6": _CARRIER,
    "rcv-7": _CARRIER,
    "rcv-8": _CARRIER,
    "rcv-9": _CARRIER,
    "rcv-10": _CARRIER,
    "rcv-12": _CARRIER,
    "rcv-13": _CARRIER,
    "rcv-14": _CARRIER,
    "rcv-19": _CARRIER,
    "rcv-23": _CARRIER,
    "rcv-24": _CARRIER,
}
# the project's own reading is a debit where the helper labelled no movement: each with its reason
DEBIT_BY_DESIGN = {
    "rcm-3": "WeChat's 转账已被接收 / 对方已收款 ¥2,000.00 is the only WeChat Pay notice of a transfer the holder "
             "sent (tests/test_banksms_classes.py: 对方已收款 is out); a bank's notice of the same money is "
             "paired with it downstream (evidence/movements.py) and not counted twice",
    "rcq-86": "a card's push 交易类型：信用卡还款 / 卡号：****5127 is the paying card's (a credit card's own notice of "
              "money in says 还款 or 还款入账): 信用卡还款 names the card paid to, as in a debit card's list - out",
}
KNOWN_GAPS = {
    "rc-15": "余额宝收益 card (昨日收益 +0.87元) names no account: read as nothing",
    "ri-80": "快捷支付退款1,999.00，原交易因存在风险已拦截: read as a failed payment, not the refund",
    "rm-61": "定期到期自动转存 with its interest 已转入活期账户: read as a rollover, the interest not counted",
    "rs-19": "分期消费人民币6,999.00元…分12期: an instalment purchase shown for review, not the card's debit",
    "rt-61": "助学贷款8,000.00元已发放…剩余3,000.00元已转入您尾号4419的银行卡: the loan's total is read",
    "ru-60": "【抖音电商】…被扣除保证金2,000.00元: read as a lure's threat, not the shop's deposit taken",
    "ru-61": "【银联商务】…通讯服务费99.00元已于05月19日从结算款中扣收: read as nothing",
    "rp-50": "retyped with typos (支岀人民市6,000.00元): 支岀 is no word the reader knows, review",
    "rp-94": "【2/2】 second part of a split SMS, the tail in the first part: read as no notice",
    "ry-90": "【某县财政局】 subsidy paid into the holder's 一卡通: a finance bureau is no institution the reader kno"
             "ws",
    "rz-41": "中国银行 credit card 交易USD49.99（AMAZON.COM）: a bare 交易 stays for review",
    "raf-2": "【建设银行】 from an unknown SP number: 收到…48,000.00元…款项已挂起，请联系…解挂 (a fake): read as mone"
             "y in",
    "rag-44": "微信 亲属卡消费提醒 (a relative spending on the holder's 亲属卡): read as nothing",
    "rag-68": "农业银行 完成收款码退款交易人民币-45.00 (a merchant refunding a customer): review",
    "ram-27": "年费…已减免，已扣年费款项退回至卡账户: the fee's refund is read as nothing",
    "ran-42": "【账户变动】尾号8096 | 收入 +¥3,000.00 from an app (丰收互联) named as a tag: read as a plain SMS",
    "ras-4": "批量代发工资，应发6,800.00元，扣款1,245.60元，实发5,554.40元: 实发 read, 代发 against 扣款: review",
    "raw-52": "分期乐 已还款456.20元（交通银行储蓄卡尾号2275）: the paying card in brackets, review",
    "ray-19": "EUR 1.250,00 (a European decimal comma): read as nothing",
    "ray-85": "1.500,00（人民币） (a European decimal comma): read as nothing",
    "raz-47": "农业银行 credit card 支付宝-淘宝交易人民币799.00元 (no sign): review",
    "rbc-34": "跨境汇入入账人民币6,950.40元扣费15.00元 run on, no comma: the fee's 扣费 conflicts, review",
    "rbc-35": "收入转账1888余额2100.5 (an integer with no 元, run on): read as nothing",
    "rbc-52": "分期消费人民币12,000.00元 分12期: an instalment purchase read as the plan, not the card's debit",
    "rbc-57": "转出 8800 余额 (an integer with no 元): review without an amount",
    "rbc-72": "贷款还款扣收 本金2000.00 利息312.40 (no total written): the principal is read, not the sum",
    "rbf-73": "money in and out in one SMS (转入20,000.00; 转出19,998.00): review, no net figure guessed",
    "rbm-67": "台州银行 支付宝付款1,200.00元: read as 支付宝 paying the card (as 长沙银行's 支付宝付款存入)",
    "rca-10": "OCR's 收人 for 收入 (工商银行收人(他行汇入)): review",
    "rcb-26": "Tap & Go 由信用卡增值…至你的拍住赏账户 (a wallet topped up): review",
    "rcb-28": "Hang Seng: transaction of HKD2,380.00 at SASA … approved (an English card spend): review",
    "rcb-58": "[BOC] A/C 7720 deposit CNY12,345.67 (an English notice, A/C as the tail): read as nothing",
    "rcc-63": "助学贷款12000元已发放，其中学费8800元已划转至学校，剩余3200元已转入: nothing read, not the 3,200",
    "rcd-33": "a securities company's (【华泰证券】) notice of its fund account: brokers are not read as notices",
    "rcd-34": "a securities company's (【国泰君安证券】) notice of its fund account: not read",
    "rcd-36": "a securities company's (【广发证券】) 新股中签缴款: not read",
    "rcd-41": "a futures company's (【永安期货】) 入金: not read",
    "rcd-42": "a futures company's (【中信期货】) 出金: not read",
    "rcd-73": "a securities company's (【中国银河证券】) dividend: not read",
    "rcd-74": "a securities company's (【平安证券】) tax clawback: not read",
    "rcd-75": "a securities company's (【海通证券】) interest: not read",
    "rcd-79": "a securities company's (【长江证券】) 证券转银行: not read",
    "rcd-57": "快速取现的活期宝资金…已到账尾号0081的建设银行卡 (取现 before the wallet): review",
    "rcf-31": "中银信用卡…在AMAZON交易美元USD49.99 (a card's 交易 with no spending word): review",
    "rcg-117": "a company's 公积金 汇缴…已从基本户扣划 (the unit's account, no tail of it): review",
    "rch-1": "你赠送给妈妈的亲属卡在永辉超市消费¥86.50 (a 亲属卡 card with no time or tail): read as nothing",
    "rch-31": "a company's 批量代发工资…成功86笔金额…，失败1笔…已退回: read as money in, not the payroll paid out",
    "rch-97": "医保个人账户…通过家庭共济为家庭成员…支付 (a medical account paying a relative's bill): review",
    "rch-107": "你…发起的转账¥200.00因对方24小时未收款，已退还至你的零钱: review, not the return",
    "rci-12": "广发卡 入账境外交易手续费人民币0.33元，原交易：…USD2.99: the original's figure is read, as a credit",
    "rci-73": "你已使用花呗支付30.00元…本期账单6月10日到期: read as the bill, not the purchase on 花呗",
    "rck-108": "ATM取款1,000元，因钞箱故障仅出钞500元，差额500元已冲回: review, not the 500 that left",
    "rcm-12": "零钱提现 ¥2,000.00 with 服务费 ¥2.00: the amount asked is read, not what reached the card",
    "rcm-28": "你的伙伴林**向小荷包“旅行基金”存入¥500.00 (a shared pocket): read as money in",
    "rcm-36": "转账到卡失败…资金已退回账户余额: review, not the return",
    "rco-84": "a securities company's (【国泰君安】) notice of its fund account: not read",
    "rcq-4": "中信卡…年费人民币200.00元已…减免返还: the fee's figure is not read as the money returned",
    "rcq-11": "积分兑换刷卡金人民币50.00元已…入账: read as a statement, not a credit",
    "rcq-42": "信用卡利息人民币23.40元已冲正: read as nothing, not the interest given back",
    "rcq-79": "信用卡账务调整：借方调整人民币15.00元: review",
    "rcq-81": "信用卡…消费HKD1,280.00，请以账单金额为准: read as a bill",
    "rcq-87": "a card's push 交易类型：年费 / 交易金额：RMB300.00: review, not the fee charged",
    "rcu-17": "【淘宝】 退款¥59.00已从您的支付宝账户退还给买家 (a seller refunding): review",
    "rcu-31": "WeChat 收款到账通知 / 今日第3笔收款 ¥56.00: read as nothing",
    "rcv-25": "号码已销户，账户余额32.80元已退至您尾号1460的银行卡: review without the amount (a balance's figure)",
    "rcv-27": "翼支付余额为189****2270充值话费99.80元: review",
    "rcv-30": "翼支付 好友给您发了一个红包88.88元，已存入您的翼支付余额: read as an advert",
    "rcv-33": "翼支付 退款200.00元已退回至您的翼支付账户: review",
    "rcv-46": "【和包支付】 (not in the institutions table) 为136****5521充值话费…实付99.50元: read as nothing",
    "rcv-48": "【和包支付】 交通卡充值50.00元成功: read as nothing",
    "rcv-49": "【和包支付】 您已向王*转账1,500.00元: read as nothing",
    "rcv-53": "【联通支付】 沃钱包提现…已转入您尾号8127的银行卡: read as nothing",
    "rcv-63": "支付宝 为150****3392充值话费100元，实付99.80元: review",
    "rcx-18": "中信卡…完成一笔快捷支付交易,金额为RMB2,000.00 (农业银行's frame, no sign): review, not the debit",
    "rcy-21": "信用卡争议交易已受理，我行已为您临时贷记…: review (pending), not the provisional credit",
    "rcy-22": "原临时贷记款项2,460.00元已…扣回: review, not the debit",
    "rcy-42": "发生冲正交易，原…代扣还款1,320.00元已冲回: review, not the money back",
    "rcz-80": "WeChat 微信转账 / 已收钱 / ￥800.00 (the payee's card): review, not money in",
}


# id -> why the own tail read differs from the helper's (direction and amount as labelled)
TAIL_BY_DESIGN = {
    "ram-46": "您尾号2249民生卡的附属卡（尾号5510）…消费: the main card's account (2249) is the notice's",
}


def _lines(name: str) -> list[tuple[str, str, str, str, str, str, str]]:
    out = []
    for line in (AUDIT / name).read_text(encoding="utf-8").splitlines():
        if line.strip():
            id_, sender, body, want, amount, tail, note = line.split("\t")
            out.append((id_, sender, body.replace("\\n", "\n"), want, amount, tail, note))
    return out


PARTS = [*"abcdefghijklmnopqrstuvwxyz", *(f"a{c}" for c in "abcdefghijklmnoqrstwxyz"),
         *(f"b{c}" for c in "abcdefghijklmnop"), *(f"c{c}" for c in "abcdefghijklmnopqtuvwxyz")]
LINES = [line for part in PARTS for line in _lines(f"blind-{part}.tsv")]
_WAY = {Direction.CREDIT: "in", Direction.DEBIT: "out", None: "none"}


def test_the_audit_sets_are_whole() -> None:
    assert len(LINES) == 9407 and len({x[0] for x in LINES}) == 9407
    wants = [x[3] for x in LINES]
    assert wants.count("in") >= 600 and wants.count("out") >= 600 and wants.count("none") >= 500


@pytest.mark.parametrize("line", LINES, ids=[x[0] for x in LINES])
def test_each_blind_line_reads_as_labelled(line: tuple[str, str, str, str, str, str, str]) -> None:
    id_, sender, body, want, amount, tail, note = line
    n = read(body, sender)
    got = _WAY[n.direction]
    if id_ in DEBIT_BY_DESIGN:
        assert got == "out", n  # read as the project's rule says
        return
    if id_ in BY_DESIGN or id_ in KNOWN_GAPS:
        why = BY_DESIGN.get(id_) or KNOWN_GAPS[id_]
        as_labelled = got == want and (want == "none" or n.amount == Decimal(amount))
        assert not as_labelled, f"{id_} now reads as labelled: drop it from the list ({why})"
        assert got != "out" or want == "out", n  # none of them is a debit the helper did not label
        return
    assert got == want, (n, note)
    if want != "none":
        assert n.amount == Decimal(amount), (n, note)
        if tail and not n.needs_review and id_ not in TAIL_BY_DESIGN:
            assert n.card_tail == tail, (n, note)


def test_nothing_in_the_audit_that_moved_no_money_is_a_debit() -> None:
    """The issue's hardest rule over every set: a text labelled as moving no money, or money in, is
    never counted as a loss."""
    spurious = [x[0] for x in LINES if x[3] != "out" and read(x[2].replace("\\n", "\n"), x[1]).direction
                is Direction.DEBIT]
    assert spurious == sorted(DEBIT_BY_DESIGN)  # (each with the project's reason, above)
