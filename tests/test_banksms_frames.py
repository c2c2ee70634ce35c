"""Frame x construction audit of the bank-SMS reader (issue 16: held-out sets read worse than dev;
the reader must fit the LANGUAGE, not the messages it was shown).

A real notice is a FRAME (who signs and where, the holder's account and how its tail is written,
the time before or after it, how amounts are written, a balance or none, an app push's title
line) around a CONSTRUCTION (the words of one transaction with its amount). The dev messages show
each bank with a few constructions only; the held-out ones combine frames and constructions the
reader never saw together. So every construction below is put into every frame, and each
combination must read as the construction says, whatever frame holds it:

- money in: a credit; money out: a debit; no money (failed, pending, in transit, a reminder, a
  hold): never counted - no direction, shown for review at most;
- the amount as written, the holder's own tail (never the other party's), and the institution
  named by the frame (its signature, its sender, its app's title line).

A construction whose words alone cannot decide (REVIEW_OK, with the reason) may be shown for
review (方向待核实), never read the other way. The frames are `constructed` after real dev notices
(tests/data/bank_sms/dev, one real example per frame in the comment); none of this is data for the
eval.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from decimal import Decimal

import pytest
from test_banksms_money_in import read

from evidence import notices
from evidence.model import Direction

IN, OUT, NONE, BACK = "in", "out", "none", "back"
# a verb no lexicon knows after a payment channel (快捷支付过账, 付款业务回款): in, review or nothing,
# never out - real banks word money in in ways the reader has not seen, and that must not be a loss
UNKNOWN = BACK
REPAY = "repay"  # into a credit card; from a deposit account out, or review when no debt is named
# a bare 提现: a platform paying into a deposit card; from a credit card a cash advance, money out
# (wallets pay out to debit cards only; 广发卡…提现人民币1000.00元，目前可用额度…, dev t7b-gc8a104-21)
CASH = "cash"


@dataclasses.dataclass(frozen=True)
class Frame:
    name: str
    sender: str
    text: str  # {tail} {act} {bal}
    money: Callable[[str], str]  # how this bank writes an amount
    institution: str
    tail: str = "1234"
    credit_card: bool = False  # the holder's account is a credit card


def _yuan(v: str) -> str:
    return f"{v}元"


def _rmb_yuan(v: str) -> str:
    return f"人民币{v}元"


def _rmb(v: str) -> str:
    return f"人民币{v}"


FRAMES = [
    # dev: 您尾号3931卡1月23日04:55工商银行支出（信使费）3元，余额2,733.03元。【工商银行】
    Frame("icbc", "95588", "您尾号{tail}卡3月18日10:05{act}，余额{bal}元。【工商银行】", _yuan, "工商银行"),
    # dev: 您尾号0956的储蓄卡2月15日20时16分…消费支出人民币180.75元,活期余额24.81元。[建设银行]
    Frame("ccb", "95533", "您尾号{tail}的储蓄卡3月18日10时05分{act},活期余额{bal}元。[建设银行]", _rmb_yuan,
          "建设银行"),
    # dev: 【中国农业银行】您尾号9638账户11月01日15:00…人民币-1000.00，余额12.36。
    Frame("abc", "95599", "【中国农业银行】您尾号{tail}账户03月18日10:05{act}，余额{bal}。", _rmb, "农业银行"),
    # dev: 【招商银行】您账户7617于02月19日15:02银联扣款人民币9.98元（…）
    Frame("cmb", "95555", "【招商银行】您账户{tail}于03月18日10:05{act}，余额{bal}", _rmb, "招商银行"),
    # dev (app push, title line): 招商银行\n您账户1662于09月25日10:50在【财付通-…】发生快捷支付扣款，人民币52.00
    Frame("cmb_push", "", "招商银行\n您账户{tail}于03月18日10:05{act}", _rmb, "招商银行"),
    # dev: 您的借记卡账户9905，于04月25日网上支付支取人民币19.00元,交易后余额4721.23【中国银行】
    Frame("boc", "95566", "您的借记卡账户{tail}，于03月18日{act},交易后余额{bal}【中国银行】", _rmb_yuan, "中国银行"),
    # the same frame as an app push titled with the bank's name, no sender, no signature
    Frame("boc_push", "", "中国银行\n您的借记卡账户{tail}，于03月18日{act},交易后余额{bal}", _rmb_yuan, "中国银行"),
    # dev: 【邮储银行】22年04月06日15:10您尾号099账户转账金额21.00元，余额1480.30元 (time first)
    Frame("psbc", "95580", "【邮储银行】15年03月18日10:05您尾号{tail}账户{act}，余额{bal}元。", _yuan, "邮储银行",
          tail="123"),
    # dev: 18日15:53账户*8731*汇款汇入收入250.00元，余额250.00元。…[兴业银行] (time first, *tail*, no sender)
    Frame("cib", "", "18日10:05账户*{tail}*{act}，余额{bal}元[兴业银行]", _yuan, "兴业银行"),
    # dev: 账户*1546于04月18日16:16存入￥3000.00元，可用余额3000.97元。【民生银行】 (￥)
    Frame("cmbc", "95568", "账户*{tail}于03月18日10:05{act}，可用余额{bal}元。【民生银行】", lambda v: f"￥{v}元",
          "民生银行"),
    # dev: 10月30日11时03分,账户*[9002]存RMB485,000.00元成功,现余额561,752.68元【平安银行】 (RMB)
    Frame("pab", "95511", "03月18日10时05分,账户*[{tail}]{act},现余额{bal}元【平安银行】", lambda v: f"RMB{v}元",
          "平安银行"),
    # dev: 您尾号*4415的卡于12月06日09:05手机银行跨行汇款转出1500.00元,交易后余额为177.26元。 (no
    # signature: the sender's number alone says who it is)
    Frame("bocom_bare", "95559", "您尾号*{tail}的卡于03月18日10:05{act},交易后余额为{bal}元。", _yuan, "交通银行"),
    # a regional bank: 末四位, CNY, no balance, signature first
    Frame("regional", "", "【江苏银行】您末四位为{tail}的账户于03月18日10:05{act}。", lambda v: f"CNY{v}", "江苏银行"),
    # dev: 【广发银行】您尾号9095广发卡12日20:35消费人民币4.00元，交易商户:财付通。 (no balance)
    Frame("cgb", "95508", "【广发银行】您尾号{tail}卡03月18日10:05{act}。", _rmb_yuan, "广发银行"),
    # dev: 尾号6469账户11:56支出32.34元,余额88.74元,摘要:网上支付 支付宝 支付宝[光大银行] (no 您, a summary)
    Frame("ceb", "95595", "尾号{tail}账户10:05{act},余额{bal}元,摘要:转账。[光大银行]", _yuan, "光大银行"),
    # dev: 您尾号9354卡人民币活期14:12转入14,242.67元[工资],可用余额64,030.33元。【浦发银行】
    Frame("spdb", "95528", "您尾号{tail}卡人民币活期10:05{act}，可用余额{bal}元。【浦发银行】", _yuan, "浦发银行"),
    # dev: 【石嘴山银行】您的账号4068于02月21日15时33分，收到由（朱*）转入1001.00元，余额3000.42元，详情请致电
    # 96789。本机构吸收的本外币存款依照《存款保险条例》受到保护。 (the movement in a clause of its own)
    Frame("regional_clause", "", "【石嘴山银行】您的账号{tail}于03月18日10时05分，{act}，余额{bal}元，详情请致电96789。"
          "本机构吸收的本外币存款依照《存款保险条例》受到保护。", _yuan, "石嘴山银行"),
    # dev: 【四川农信】您尾号1544的账户于8月1日16时37分到账人民币1000.00元(手机转账), 余额105.85元 (a rural
    # union's signature, a 106 number no table knows)
    Frame("rural", "1069800096633", "【四川农信】您尾号{tail}的账户于3月18日10时05分{act}, 余额{bal}元。", _rmb_yuan,
          "四川农信"),
    # dev: 您尾号3675的龙卡信用卡12月27日11:27消费13.20元，当前可用额度4125.42元。[建设银行] (a credit card:
    # what is repaid or paid in goes INTO it)
    Frame("ccb_card", "95533", "您尾号{tail}的龙卡信用卡3月18日10:05{act}，当前可用额度{bal}元。[建设银行]", _yuan,
          "建设银行", credit_card=True),
    # dev: 【招商银行】您尾号…信用卡…消费人民币…元 (a card centre's notice, signature first)
    Frame("cmb_card", "95555", "【招商银行】您尾号{tail}信用卡03月18日10:05{act}。", _rmb_yuan, "招商银行",
          credit_card=True),
    # dev: 您尾号1234卡…工商银行收入(跨行汇款)600元，余额700.00元，对方户名：王*，对方账户尾号：5678。 (the
    # other party and its tail after the balance)
    Frame("icbc_party", "95588", "【工商银行】您尾号{tail}卡3月18日10:05{act}，余额{bal}元，对方户名：王*，"
          "对方账户尾号：5678。", _yuan, "工商银行"),
    # dev: 【东海村镇银行】您尾号8073卡02月20日 16:34转账转入人民币100.00元，对方帐户3140，户名张*，当前余额… (the
    # other party's account right after the amount, before the balance)
    Frame("village", "", "【东海村镇银行】您尾号{tail}卡03月18日 10:05{act}，对方帐户5678，户名张*，当前余额{bal}元。"
          "本机构吸收的本外币存款依照《存款保险条例》受到保护。", _rmb_yuan, "东海村镇银行"),
    # dev: 您的账户6073于03月03日14:14收入人民币252.00元，余额252.36元。跨行收款，付款方郭*。【华夏银行】 (no sender)
    Frame("hxb", "", "您的账户{tail}于03月18日10:05{act}，余额{bal}元。【华夏银行】", _rmb_yuan, "华夏银行"),
]

AMOUNT = "1,280.50"
# amounts as banks write them: thousands separated or not, a fraction of 1 or 2 digits or none, a
# fen, a large sum (1280.5 once looked like a tail after 向您, 100,000.00 outran a phrase's reach)
AMOUNTS = (AMOUNT, "1280.5", "100,000.00", "0.01", "5", "12,800", "99999999.99")
BALANCE = "3,456.78"

# (direction, construction with {amt}) in the banks' own words
CONSTRUCTIONS = [
    # money in
    (IN, "存入{amt}"),
    (IN, "转入{amt}"),
    (IN, "收入{amt}"),
    (IN, "转账存入{amt}"),
    (IN, "跨行汇入{amt}"),
    (IN, "代发工资{amt}"),
    (IN, "收到张*转账{amt}"),
    (IN, "收到来自李*的汇款{amt}"),
    (IN, "张*向您转账{amt}"),
    (IN, "支付宝提现收入{amt}"),
    (IN, "微信零钱提现{amt}"),
    (IN, "退款{amt}"),
    (IN, "消费退货{amt}"),
    (IN, "银联入账{amt}"),
    (IN, "结息{amt}"),
    (IN, "二维码收款{amt}"),
    (IN, "消费冲正{amt}"),
    (IN, "往账退回{amt}"),
    (IN, "汇款退回{amt}"),
    (IN, "转账退票{amt}"),
    (IN, "支付宝转账转入{amt}"),
    (IN, "理财赎回{amt}"),
    # a channel with a verb the reader does not know (the credit verbs of banks it never saw)
    (UNKNOWN, "快捷支付过账{amt}"),
    (UNKNOWN, "网上支付回款{amt}"),
    (UNKNOWN, "付款业务入户{amt}"),
    (UNKNOWN, "网联付款变动{amt}"),
    (UNKNOWN, "快捷支付变动(张*支付宝转账){amt}"),
    (UNKNOWN, "跨行支付系统变动{amt}"),
    # money out
    (OUT, "支出{amt}"),
    (OUT, "消费{amt}"),
    (OUT, "转出{amt}"),
    (OUT, "ATM取款{amt}"),
    (OUT, "快捷支付{amt}"),
    (OUT, "网上支付{amt}"),
    (OUT, "向张*转账{amt}"),
    (OUT, "跨行汇款转出{amt}"),
    (OUT, "代扣水费{amt}"),
    (OUT, "转账支出{amt}"),
    (OUT, "银联扣款{amt}"),
    (OUT, "POS消费{amt}"),
    (OUT, "向李*尾号5678账户汇款{amt}"),
    (OUT, "财付通快捷支付{amt}"),
    (OUT, "缴费{amt}"),
    (IN, "汇款汇入{amt}"),
    (IN, "网联付款收入{amt}"),
    (IN, "跨行代付收入{amt}"),
    (IN, "他行来账{amt}"),
    (IN, "手机银行转入{amt}"),
    (IN, "退汇{amt}"),
    (IN, "到账{amt}"),
    (IN, "入账{amt}"),
    (IN, "工资{amt}"),
    (IN, "银联代付{amt}"),
    (IN, "财付通提现{amt}"),
    (IN, "退款入账{amt}"),
    (IN, "消费撤销{amt}"),
    (IN, "收到由(朱*)转入{amt}"),
    (IN, "公积金提取收入{amt}"),
    (IN, "网银跨行汇款存入{amt}"),
    (IN, "收到财付通支付科技有限公司付款{amt}"),
    (IN, "张*支付宝转账{amt}"),
    (OUT, "取现{amt}"),
    (OUT, "跨行转出{amt}"),
    (OUT, "手机银行转出{amt}"),
    (OUT, "网银转账支出{amt}"),
    (OUT, "扣款{amt}"),
    (OUT, "扣收年费{amt}"),
    (OUT, "代扣{amt}"),
    (OUT, "支付宝支付{amt}"),
    (OUT, "微信支付{amt}"),
    (OUT, "云闪付消费{amt}"),
    (OUT, "京东支付{amt}"),
    (OUT, "提取现金{amt}"),
    (OUT, "转至李*{amt}"),
    (OUT, "向李*的支付宝转账{amt}"),
    (OUT, "通过支付宝向张*付款{amt}"),
    (OUT, "消费(美团){amt}"),
    (OUT, "支出(跨行汇款){amt}"),
    (OUT, "预授权完成{amt}"),
    (OUT, "向(吕*)支出{amt}"),
    (OUT, "汇款{amt}给李*"),
    (IN, "支付宝转入{amt}"),
    (IN, "转账收入{amt}"),
    (IN, "跨行转入{amt}"),
    (IN, "现金存入{amt}"),
    (IN, "ATM存款{amt}"),
    (IN, "代付{amt}"),
    (CASH, "提现{amt}"),
    (IN, "收入(工资){amt}"),
    (IN, "转入(他行汇入){amt}"),
    (IN, "支出冲正{amt}"),
    (IN, "退回{amt}"),
    (IN, "返还{amt}"),
    (IN, "红包提现{amt}"),
    (IN, "快捷支付退款{amt}"),
    (IN, "收款{amt}"),
    (IN, "来账{amt}"),
    (IN, "入账(财付通){amt}"),
    (IN, "收到退款{amt}"),
    (IN, "收到李*付款{amt}"),
    (IN, "李*向您付款{amt}"),
    (OUT, "消费支出{amt}"),
    (OUT, "网络支付{amt}"),
    (OUT, "无卡支付{amt}"),
    (OUT, "POS刷卡{amt}"),
    (OUT, "柜面取款{amt}"),
    (OUT, "跨行汇款{amt}至李*"),
    (OUT, "汇出{amt}"),
    (OUT, "扣费{amt}"),
    (OUT, "代扣电费{amt}"),
    (OUT, "转账给李*{amt}"),
    (OUT, "转账至李*{amt}"),
    (OUT, "向李*转出{amt}"),
    (OUT, "付款{amt}"),
    (OUT, "扣除{amt}"),
    (OUT, "支出(消费支付宝-某某商户){amt}"),
    (OUT, "微信支付扣款{amt}"),
    (OUT, "银联在线支付{amt}"),
    (OUT, "跨行支出{amt}"),
    (OUT, "在某某超市消费{amt}"),
    (OUT, "在支付宝-某某商户消费{amt}"),
    (IN, "您有一笔{amt}的转账已到账"),
    (IN, "汇入{amt}(李*)"),
    (IN, "入账工资{amt}"),
    (IN, "收到转账{amt}"),
    (IN, "批量代发{amt}"),
    (IN, "转账汇款汇入{amt}"),
    (OUT, "境外消费{amt}"),
    (OUT, "自助取款{amt}"),
    (OUT, "扫码支付{amt}"),
    (OUT, "网银支付{amt}"),
    (OUT, "消费(预授权完成){amt}"),
    (OUT, "向李*账户转账{amt}"),
    (OUT, "转账汇款给李*{amt}"),
    (OUT, "跨行转出{amt}，手续费5.00元"),
    (OUT, "转账支出{amt}(含手续费2.00元)"),
    (IN, "跨行汇入{amt}，手续费0.00元"),
    # two figures: the one that moved is the amount (a running total, an original figure, a discount,
    # a foreign amount and its yuan are not)
    (IN, "原交易金额2,000.00元，退款{amt}"),
    (IN, "存入{amt}，本月累计存入5,000.00元"),
    (OUT, "支出{amt}，今日累计支出5,000.00元"),
    (OUT, "消费{amt}，已优惠20.00元"),
    (OUT, "消费USD 100.00，折合{amt}"),
    (IN, "收到张*转账{amt}，手续费0.50元"),
    (REPAY, "还款{amt}"),
    (REPAY, "自动还款{amt}"),
    # no money (yet)
    (NONE, "消费{amt}失败"),
    (NONE, "转出{amt}，交易失败"),
    (NONE, "消费{amt}，因余额不足交易未成功"),
    (NONE, "向张*转账{amt}，处理中"),
    (NONE, "向张*转账{amt}，资金在途，预计03月19日到账"),
    (OUT, "转出{amt}，交易成功，预计2小时内到账"),
    (OUT, "向张*转账{amt}已成功，预计2小时内到账"),
    (NONE, "转账申请{amt}已提交成功，预计2小时内到账"),
    (NONE, "他行汇入{amt}在途，预计2小时内到账"),
    (NONE, "预授权{amt}"),
    (NONE, "冻结{amt}"),
    (NONE, "将于03月20日扣款{amt}"),
    (NONE, "转账{amt}，密码错误"),
    (NONE, "跨行转账{amt}已受理"),
    (NONE, "扣款{amt}未成功"),
    (NONE, "支付{amt}被拒绝"),
    (NONE, "取款{amt}，密码错误"),
    (NONE, "将于明日代扣{amt}"),
    (NONE, "预计03月20日扣款{amt}"),
    (NONE, "待扣款{amt}"),
    (NONE, "转账申请{amt}已提交"),
    (NONE, "解冻{amt}"),
    (NONE, "向张*转账{amt}，交易状态：处理中"),
    (NONE, "跨行汇款{amt}，对方行处理中"),
    (NONE, "转出{amt}，资金在途"),
    (NONE, "向张*转账{amt}，资金在途，对方收到后将短信通知"),
    (NONE, "消费{amt}交易失败，请核实"),
    (NONE, "转账{amt}，对方户名不符，交易失败"),
    (NONE, "支付{amt}，因超限额交易被拒"),
    (NONE, "向张*转账{amt}待确认"),
    (NONE, "有一笔{amt}的转账待入账"),
    (NONE, "汇款{amt}在途"),
    (NONE, "转账{amt}正在处理"),
    (NONE, "预授权冻结{amt}"),
    (NONE, "资金冻结{amt}"),
    (NONE, "将扣收年费{amt}"),
    (NONE, "即将扣款{amt}"),
    (NONE, "明日将扣款{amt}"),
    (NONE, "转账{amt}待清算"),
    (NONE, "预约转账{amt}，将于03月20日执行"),
    (NONE, "向张*转账{amt}，延时到账，将于24小时后到账"),
    (NONE, "转账{amt}已暂停"),
    (NONE, "一笔{amt}的消费待确认"),
    (NONE, "转账{amt}，因对方账户状态异常交易失败"),
    (NONE, "转账{amt}已被银行拦截，资金未转出"),
    (NONE, "支出{amt}被拦截"),
    (NONE, "转账{amt}未转出"),
    (NONE, "发生一笔{amt}交易，交易被风控系统拒绝"),
    (NONE, "向张*转账{amt}因风险已暂停"),
    (NONE, "转账{amt}因风险拦截已止付"),
    # undone or sent back: money back in, or nothing moved - never money out
    (BACK, "消费{amt}，交易已撤销"),
    (BACK, "转账{amt}失败，资金已退回"),
    (BACK, "向张*转账{amt}未成功，资金已退回原账户"),
    (BACK, "汇款{amt}已退回"),
    (BACK, "转账{amt}被退回"),
    (BACK, "转出{amt}，对方行退回"),
    (BACK, "转账{amt}已退票，资金将退回原账户"),
]

# constructions whose words alone may not decide, and why review is an honest reading there
REVIEW_OK = {
    "预授权{amt}": "a pre-authorisation hold: shown for review as a hold, never counted",
    "冻结{amt}": "money frozen: held, not taken; shown for review as a hold",
    "预授权冻结{amt}": "the same hold",
    "资金冻结{amt}": "the same hold",
    "合众易宝委托付款-提现": "委托付款 (a payment made on someone's order, either way) beside 提现 (into the card): "
                     "the type's two words disagree; the balances, or a (收入) beside the amount, decide",
}


# An app push's card lines: the transaction type is a line of its own (交易类型：{act}), the amount
# another (交易金额：{amt}). The frames are those of dev's app pushes; the sender is the app's name.
# The last two write the type in an SMS sentence, the amount after a label.
CARD_FRAMES = [
    # dev (中信银行): 交易时间：尾号5174储蓄卡5月27日00:41\n交易类型：财付通快捷支付支出-京东商城平台商户\n…
    Frame("citic_card", "中信银行", "交易时间：尾号{tail}储蓄卡3月18日10:05\n交易类型：{act}\n"
          "交易金额：人民币 {amt} 元\n卡内余额：人民币 {bal} 元", str, "中信银行"),
    # dev (中国民生银行): 交易账号:借记卡（6510）\n交易时间:…\n交易类型:存入-工资\n交易金额:人民币 14214.20\n交易对象:…
    Frame("cmbc_card", "中国民生银行", "交易账号:借记卡（{tail}）\n交易时间:2015年03月18日 10:05:47\n交易类型:{act}\n"
          "交易金额:人民币 {amt}\n交易对象:某某科技有限公司", str, "民生银行"),
    # dev (长沙银行): 交易类型：支付宝支付取出（个人账户：尾号2754）\n交易金额：人民币200.00元\n账户余额：…
    Frame("cscb_card", "长沙银行", "交易时间：03月18日10:05\n交易类型：{act}（个人账户：尾号{tail}）\n"
          "交易金额：人民币{amt}元\n账户余额：{bal}元\n交易说明：", str, "长沙银行"),
    # dev (交通银行微银行): 交易时间:…\n交易金额:6205.20元\n交易类型:跨行汇款转入\n交易卡号:*4720\n对方户名:…
    Frame("bocom_card", "交通银行微银行", "交易时间:2015年03月18日 10:05\n交易金额:{amt}元\n交易类型:{act}\n"
          "交易卡号:*{tail}\n对方户名:张*", str, "交通银行"),
    # dev (成都银行): 交易时间：2024年11月17日 00:47:09（尾号7606）\n交易类型：汇兑来账\n交易金额：人民币0.01元…
    Frame("cdcb_card", "成都银行", "交易时间：2015年03月18日 10:05:09（尾号{tail}）\n交易类型：{act}\n"
          "交易金额：人民币{amt}元\n账户余额：人民币{bal}元\n交易说明：如有疑问请致电95507或联系在线客服。", str,
          "成都银行"),
    # dev (宁波银行): 交易类型:尾号2582-工资-人民币\n交易时间:09月15日 17:00\n交易对象:大夏公司\n交易金额:1696.49…
    Frame("nbcb_card", "宁波银行", "交易类型:尾号{tail}-{act}-人民币\n交易时间:03月18日 10:05\n交易对象:某某公司\n"
          "交易金额:{amt}\n可用余额:{bal}", str, "宁波银行"),
    # the same types in an SMS sentence before a labelled amount - dev (邮储银行): 您尾号099账户转账汇入金额
    # 1500.00元，余额1501.30元; dev (广西北部湾银行): 您尾号9820的账户发生转入交易，人民币2065.00元
    Frame("psbc_type", "95580", "【邮储银行】15年03月18日10:05您尾号{tail}账户{act}金额{amt}元，余额{bal}元。", str,
          "邮储银行"),
    Frame("bbgb_type", "", "【广西北部湾银行】您尾号{tail}的账户于03月18日10:05发生{act}交易，人民币{amt}元，"
          "余额{bal}元。", str, "广西北部湾银行"),
]

# transaction types as the banks' card lines write them (dev), each of a known direction
TYPES = [
    (IN, "转账转入"), (IN, "跨行汇款转入"), (IN, "工资"), (IN, "薪酬"), (IN, "代发工资"), (IN, "存入-工资"),
    (IN, "汇兑来账"), (IN, "他行汇入"), (IN, "银联入账"), (IN, "退款"), (IN, "退货"), (IN, "收款（转账）"),
    (IN, "转入"), (IN, "转账存入"), (IN, "提现"), (IN, "合众易宝委托付款-提现"), (IN, "其他代付收款"),
    (IN, "利息结息入账"), (IN, "第三方支付-转入"), (IN, "财付通快捷支付存入-京东商城平台商户"),
    (IN, "奖金"), (IN, "理财赎回"), (IN, "支付宝提现"), (IN, "微信零钱提现"), (IN, "消费冲正"), (IN, "往账退回"),
    (IN, "跨行转入"), (IN, "手机银行转入"), (IN, "退款财付通-京东商城平台商户"), (IN, "存入"), (IN, "收入"),
    (OUT, "消费"), (OUT, "支出"), (OUT, "转出支出"), (OUT, "付款（转账）"), (OUT, "支付宝支付取出"),
    (OUT, "财付通快捷支付支出-京东商城平台商户"), (OUT, "快捷支付"), (OUT, "网上支付"), (OUT, "ATM取款"),
    (OUT, "取款"), (OUT, "转账支出"), (OUT, "跨行汇款转出"), (OUT, "代扣"), (OUT, "缴费"), (OUT, "支出-协议支付"),
    (OUT, "二维码消费"), (OUT, "消费，京东支付－京东商城业务"), (OUT, "数币兑出取出"), (OUT, "转出"),
    (OUT, "手机银行转出"), (OUT, "银联扣款"),
    (UNKNOWN, "快捷支付过账"), (UNKNOWN, "网上支付回款-京东商城平台商户"), (UNKNOWN, "付款业务入户（转账）"),
]


def body(frame: Frame, construction: str, amount: str = AMOUNT) -> str:
    if frame in CARD_FRAMES:  # the type is a line, the amount another
        return frame.text.format(tail=frame.tail, act=construction, amt=amount, bal=BALANCE)
    act = construction.format(amt=frame.money(amount))
    return frame.text.format(tail=frame.tail, act=act, bal=BALANCE)


def outcome(n: notices.Notice) -> str:
    if n.needs_review:
        return "review"
    if n.direction is Direction.CREDIT:
        return IN
    if n.direction is Direction.DEBIT:
        return OUT
    return NONE


def problems(frame: Frame, want: str, construction: str, amount: str = AMOUNT) -> list[str]:
    """What is wrong with the reading of one combination (empty: right)."""
    n = read(frame.sender, body(frame, construction, amount))
    got = outcome(n)
    found: list[str] = []
    if want == CASH:  # a bare 提现: a platform paying into a deposit card, a cash advance from a credit card
        want = OUT if frame.credit_card else IN
    if want == REPAY:
        want = IN if frame.credit_card else OUT
        if not frame.credit_card and got == "review":
            got = OUT  # 还款 naming no debt from a deposit account: the account paid, or review
    if want == BACK:  # undone or sent back: in, review or nothing, never out
        if got == OUT:
            found.append("read out, is back")
    elif got != want and not (got == "review" and (want == NONE or construction in REVIEW_OK)):
        found.append(f"read {got}, is {want}")
    if n.direction is not None and n.needs_review:
        found.append("counted while shown for review")
    if got in (IN, OUT, "review") and want not in (NONE, BACK):
        if n.amount != Decimal(amount.replace(",", "")):
            found.append(f"amount {n.amount}")
        if got != "review" and n.card_tail != frame.tail:
            found.append(f"own tail {n.card_tail}")
    if n.kind is notices.EventKind.BANK_NOTICE and n.institution != frame.institution:
        found.append(f"institution {n.institution}")
    return found


COMBINATIONS = ([(f, d, c) for f in FRAMES for d, c in CONSTRUCTIONS]
                + [(f, d, t) for f in CARD_FRAMES for d, t in TYPES])


# each combination with one of the amounts in turn (all of them: the runner below)
@pytest.mark.parametrize(("frame", "want", "construction", "amount"),
                         [(*c, AMOUNTS[i % len(AMOUNTS)]) for i, c in enumerate(COMBINATIONS)],
                         ids=[f"{f.name}-{c.format(amt='X')}" for f, _, c in COMBINATIONS])
def test_every_construction_reads_alike_in_every_frame(frame: Frame, want: str, construction: str,
                                                       amount: str) -> None:
    assert problems(frame, want, construction, amount) == [], body(frame, construction, amount)


def test_the_audit_can_fail_both_ways() -> None:
    """The combinations are not all one reading: money in, out and none are each read so in every
    frame (a reader that shows everything for review, or reads everything one way, fails above)."""
    for frame in FRAMES:
        readings = {outcome(read(frame.sender, body(frame, c))) for _, c in CONSTRUCTIONS}
        assert {IN, OUT, NONE} <= readings, frame.name
    for frame in CARD_FRAMES:
        assert {outcome(read(frame.sender, body(frame, t))) for _, t in TYPES} >= {IN, OUT}, frame.name


@pytest.mark.parametrize(("text", "sender", "institution"), [
    ("招商银行\n您账户1662于09月25日10:50发生快捷支付扣款，人民币52.00", "", "招商银行"),  # dev t5-noticleaner-1
    ("招商银行 您账户2415于10月04日14:42发生快捷支付扣款，人民币20.00", "", "招商银行"),  # dev t5-aibill-1
    ("招商银行您账户3832于05月15日09:20发生快捷支付扣款，人民币16.58", "", "招商银行"),  # dev t5-bookkeeper-2
    ("中国农业银行\n您尾号1234账户03月18日10:05完成支付宝交易人民币-66.00，余额34.00。", "", "农业银行"),
    ("东海村镇银行\n您尾号8073卡02月20日16:45支付宝转入人民币10.00元，余额10.00元。", "", "东海村镇银行"),
    # a payer named first is no title: the signature says who sent it (dev, 建设银行)
    ("支付宝5月21日19时25分向您尾号3456的储蓄卡消费退货存入人民币0.77元,活期余额10880.47元。[建设银行]", "95533",
     "建设银行"),
    # a greeting is no title
    ("招商银行您好，我转了500元给你，收到了吗", "13800138000", None),
])
def test_an_app_push_title_line_names_the_institution(text: str, sender: str, institution: str | None) -> None:
    assert read(sender, text).institution == institution


@pytest.mark.parametrize(("sender", "text", "want"), [
    # a refund or a credit card's repayment written with a minus: the debt goes down - never a debit;
    # on a card the text says is a credit card, money into it (a blind audit's helpers, two of two,
    # read 信用卡…退货人民币-899.00元 so: tests/data/bank_sms_audit)
    ("95555", "【招商银行】您尾号1234信用卡03月18日退款人民币-99.00元。", IN),
    ("95558", "【中信银行】您尾号1234的中信卡于03月18日10:05，退货人民币-99.00元。", "review"),
    ("95555", "【招商银行】您尾号1234信用卡03月18日还款人民币-1,000.00元。", IN),
    ("95566", "【中国银行】您的信用卡1234于03月18日退款RMB-99.00元。", IN),
    ("95508", "【广发银行】您尾号1234卡03月18日10:05交易人民币-99.00元（退款），余额100.00元。", "review"),
    # 农业银行's minus is out: a deposit account repaying a loan, a transfer's reversal, a purchase
    ("95599", "【中国农业银行】您尾号1234账户03月18日10:05完成还款交易人民币-500.00，余额100.00。", OUT),
    ("95599", "【中国农业银行】您尾号1234账户03月18日10:05完成转账冲正交易人民币-1,000.00，余额0.00。", OUT),
    ("95599", "【中国农业银行】您尾号1234账户03月18日10:05完成支付宝交易人民币-66.00，余额34.00。", OUT),
    # and the sentence after the figure may undo it
    ("95599", "【中国农业银行】您尾号1234账户03月18日10:05完成转账交易人民币-1,280.50，交易已冲正，余额3456.78。",
     "review"),
])
def test_a_minus_beside_money_coming_back_is_never_a_debit(sender: str, text: str, want: str) -> None:
    assert outcome(read(sender, text)) == want


@pytest.mark.parametrize(("sender", "text", "own", "other"), [
    # the payer's tail first, then the holder's after 向您: the payer's is never the holder's
    ("95588", "【工商银行】尾号5678的李*向您尾号1234卡转账1,280.50元，余额3,456.78元。", "1234", "5678"),
    ("95561", "【兴业银行】账户5678(李*)向您账户*1234*转账1,280.50元，余额3,456.78元。", "1234", "5678"),
    ("95599", "【中国农业银行】李*(账号尾号5678)于03月18日10:05向您尾号1234账户完成转账交易人民币1,280.50，"
     "余额3,456.78。", "1234", "5678"),
    ("95580", "【邮储银行】15年03月18日10:05李*(尾号5678)向您尾号123账户转账1,280.50元，余额3,456.78元。", "123",
     "5678"),
    # the holder's own account first, a payer named after it: the tail is the holder's
    ("95561", "【兴业银行】账户*1234*张*向您转账1,280.50元，余额3,456.78元。", "1234", None),
    # the other party by its role, after the movement
    ("95568", "【民生银行】账户*1234于03月18日10:05存入￥1,280.50元，付方李*(尾号5678)，可用余额3,456.78元。", "1234",
     "5678"),
    ("95508", "【广发银行】您尾号1234卡03月18日10:05转出1,280.50元，收款卡号尾号5678，余额3,456.78元。", "1234",
     "5678"),
    ("95559", "【交通银行】您尾号*1234的卡于03月18日10:05转出1,280.50元至尾号5678账户,交易后余额为3,456.78元。", "1234",
     "5678"),
])
def test_the_other_partys_tail_is_never_the_holders(sender: str, text: str, own: str, other: str | None) -> None:
    n = read(sender, text)
    assert (n.card_tail, n.counterparty_tail) == (own, other), n


IN_TRANSIT = [c for d, c in CONSTRUCTIONS if d == NONE and ("在途" in c or "处理中" in c or "延时到账" in c)]


@pytest.mark.parametrize("construction", IN_TRANSIT)
def test_a_transfer_in_transit_is_shown_with_its_amount_never_counted(construction: str) -> None:
    """在途 / 处理中 / 延时到账: the lawyer sees the transfer and its amount as 方向待核实 (pending)."""
    for frame in FRAMES:
        n = read(frame.sender, body(frame, construction))
        assert (n.direction, n.needs_review, n.review_reason) == (None, True, "pending"), body(frame, construction)
        assert n.amount == Decimal(AMOUNT.replace(",", "")), n


@pytest.mark.parametrize(("sender", "text"), [
    ("微信支付", "零钱提现发起成功\n提现金额：¥1,280.50\n提现银行：招商银行(1234)\n预计到账时间：2024-05-31 10:00"),
    ("95188", "【支付宝】王*通过转账到银行卡向你尾号1234的建设银行卡转账1,280.50元，预计2小时内到账。"),
    ("95106", "【翼支付】您的退款预计1-3个工作日到账，金额1,280.50元。"),
    ("", "借款成功通知：您在手机微信申请的微粒贷1,280.50元已成功发放，收款卡农业银行(1234)，"
         "预计3分钟内到账。【微众银行】"),
])
def test_a_payment_to_the_holder_awaiting_arrival_is_money_in(sender: str, text: str) -> None:
    """The payer's act is done (a refund issued, a loan disbursed, the holder's own withdrawal, X向您…):
    money in, as dev labels it - not a transfer of the holder's in transit."""
    n = read(sender, text)
    assert (n.direction, n.needs_review, n.amount) == (Direction.CREDIT, False, Decimal("1280.50")), n


if __name__ == "__main__":  # PYTHONPATH=. python3 tests/test_banksms_frames.py: the failures, counted
    failed = [(f.name, c, p) for f, d, c in COMBINATIONS if (p := problems(f, d, c))]
    for name, c, p in failed:
        print(f"{name:12} {c:32} {'; '.join(p)}")
    print(f"{len(failed)} of {len(COMBINATIONS)} combinations read wrong ({len(FRAMES)} frames x "
          f"{len(CONSTRUCTIONS)} constructions, {len(CARD_FRAMES)} card frames x {len(TYPES)} types)")
    wrong = sum(bool(problems(f, d, c, a)) for f, d, c in COMBINATIONS for a in AMOUNTS[1:])
    print(f"{wrong} of {len(COMBINATIONS) * (len(AMOUNTS) - 1)} read wrong with the other amounts {AMOUNTS[1:]}")
