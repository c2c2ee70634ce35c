"""The bank-SMS reader, fifteenth pass: the twelfth blind round's untriaged lines (sets bi-bp) and the
thirteenth round (sets ca-ch in tests/data/bank_sms_audit/), closed as language classes. Each class is
tested with the audit line that showed it (id in the comment) and variants written here; the movements
that must stay what they are stand beside them. `way`: IN / OUT / "review" (shown with its amount,
never counted) / "none" (no money moved)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from evidence.model import Direction
from tests.test_banksms_ninth import IN, OUT, outcome, read

# ---- the money is someone else's: a child's, a ward's, a 亲属卡's giver's ---------------------------
OTHERS_ACCOUNT = [
    # rch-17: a parent told of a guarded child's account
    ("【宁波银行】您监护的子女账户尾号0912于12月05日12:03消费支出58.00元（校园超市），账户余额441.00元。", "95574",
     "review", "58.00"),
    # rch-64, rch-19: a child's account the parent opened; an account the holder is an agent for
    ("【北京银行】您为子女开立的少儿账户*0077于12月06日存入1,000.00元，账户余额3,600.00元。", "95526",
     "review", "1000.00"),
    ("【邮储银行】您代理的账户（户名：赵**，尾号4409）于12月02日入账养老金2,350.00元，余额8,011.40元。", "95580",
     "review", "2350.00"),
    ("【工商银行】您关联的家庭成员账户尾号3321于12月06日支出500.00元，余额1,200.00元。", "95588", "review", "500.00"),
    # rch-2, rch-4: a 亲属卡 / 亲情卡 given TO the holder: the giver pays
    ("亲属卡支付凭证\n你使用儿子赠送的亲属卡支付¥128.00\n商户：美团外卖\n本笔由对方支付，不占用你的零钱", "微信支付",
     "review", "128.00"),
    ("【支付宝】您使用女儿(陈**)赠送的亲情卡付款215.00元，交易成功，本笔由对方账户支付。", "95188", "review", "215.00"),
    # the holder's own account stays the holder's
    ("【宁波银行】您尾号0912的账户于12月05日12:03消费支出58.00元，账户余额441.00元。", "95574", OUT, "58.00"),
    ("【北京银行】您的账户*0077于12月06日存入1,000.00元，账户余额3,600.00元，可为子女开立少儿账户。", "95526", IN,
     "1000.00"),
]

# ---- a loan paid straight to a third party never reached the holder's card -----------------------------
LOAN_TO_THIRD_PARTY = [
    # rcc-21
    ("【邮储银行】尊敬的客户，您的个人消费贷款80000.00元已于10月09日按约定受托支付至杭州宏锦装饰工程有限公司账户，借据号尾号0192，"
     "请知悉。", "95580", "none", None),
    # rcc-62
    ("【合肥住房公积金】您的公积金贷款600,000.00元已于11月30日发放至售房人账户，首次还款日为12月30日，月还款额3,007.89元。",
     "12329", "none", None),
    ("【建设银行】您的个人住房贷款1,200,000.00元已发放至开发商账户，请按时还款。", "95533", "none", None),
    ("【工商银行】您的经营贷款500,000.00元已通过受托支付方式支付给广州鑫源建材有限公司。", "95588", "none", None),
    # paid into the holder's own card: money in
    ("【邮储银行】您的个人消费贷款80,000.00元已于10月09日发放至您尾号0192的账户，余额80,012.00元。", "95580", IN,
     "80000.00"),
]

# ---- a transfer only accepted, or waiting for the holder to accept it ----------------------------------
NOT_YET_MOVED = [
    # rcf-76
    ("您的跨行汇款交易已受理，金额人民币5,000.00元，收款人张*，请留意账户变动。【中国银行"
     "】", "95566", "review", "5000.00"),
    ("【建设银行】您的转账交易已受理，金额3,000.00元，收款人李*，结果请以短信通知为准。", "95533", "review", "3000.00"),
    # rce-95: a WeChat transfer the holder has not accepted yet
    ("微信转账\n对方向你发起转账￥500.00\n请在24小时内确认收款，逾期将退还对方", "微信支付", "none", None),
    ("【微信支付】张*向你转账200.00元，请在24小时内确认收款。", "微信支付", "none", None),
    # accepted and executed: a debit
    ("【建设银行】您尾号3356的账户转账交易已成功，转出3,000.00元，收款人李*，余额1,200.00元"
     "。", "95533", OUT, "3000.00"),
    ("微信支付\n你已收款\n¥500.00\n转账时间：2015-03-18 18:10:02", "微信支付", IN, "500.00"),
]

# ---- 代付 asked for, and 代付 done by the holder for someone ------------------------------------------
PAID_ON_BEHALF = [
    # rch-26: a request only
    ("【淘宝】您的好友小丽请您帮她代付订单，金额¥359.00，点击 m.tb.cn/h.5Kx2 完成代付，24小时内有效。", "95188", "none",
     None),
    # rch-27: the holder paid for a friend
    ("【支付宝】您已成功为好友小丽代付订单359.00元，付款方式：余额宝。", "95188", OUT, "359.00"),
    ("【支付宝】你已成功为张**代付订单128.50元。", "95188", OUT, "128.50"),
    # 代付 TO the holder stays money in (a salary agent's 代付)
    ("【农业银行】您尾号6631账户04月30日15:20完成代付交易人民币3,000.00，余额4913.77。", "95599", IN, "3000.00"),
]

# ---- an invoice names a total, nothing moved -----------------------------------------------------------
INVOICES = [
    # rcg-36
    ("【电子发票服务平台】您收到一张数电发票，开票方：深圳市宏泰电子有限公司，价税合计5,650.00元，请登录平台查收"
     "。", "12366",
     "none", None),
    ("【京东】您的订单电子发票已开具，发票金额1,049.00元，请在订单详情中下载。", "95118", "none", None),
]

# ---- a loan repaid from the holder's card or account: money out of it ----------------------------------
LOAN_REPAID_FROM_CARD = [
    # rcc-17, rcc-18: the bracket names the loan repaid; the notice is the paying account's
    ("【招商银行】您账户7712于01月10日07:15自动还款（闪电贷）人民币4,415.29，余额988.03", "95555", OUT, "4415.29"),
    ("【招商银行】您账户7712于03月02日14:22提前还款（个人住房贷款）人民币100,000.00，余额6,230.55", "95555", OUT,
     "100000.00"),
    # rcc-30: principal and interest repaid, their total moved
    ("【嘉善联合村镇银行】您尾号1850的账户11月15日08:00归还贷款本金5,000.00元、利息385.42元，合计5,385.42元，余额92.60元。",
     "1069800088", OUT, "5385.42"),
    # rcc-41: repaid early, taken from the holder's account
    ("【盛京银行】尊敬的客户，您于08月01日提前归还个人消费贷款本金20,000.00元，已从尾号1156账户扣划，剩余贷款本金48,000.00元。",
     "95337", OUT, "20000.00"),
    # rce-75, rch-79, rbp-91: a lender's or a wallet's notice that it debited the holder's bank card
    ("【分期乐】您本期账单已从尾号3205的银行卡成功扣款1,066.47元，感谢您按时还款。", "106903366", OUT, "1066.47"),
    ("【度小满】您的借款本期应还1,245.67元，已从尾号5521银行卡成功扣款，感谢按时还款。", "95055", OUT, "1245.67"),
    ("【支付宝】你尾号9031的中信银行卡已成功扣款1,023.45元用于偿还借呗4月账单。", "95188", OUT, "1023.45"),
    # a credit card repaid stays money into the card
    ("【招商银行】您尾号7712的信用卡已还款人民币4,415.29元，当前可用额度20,000.00元。", "95555", IN, "4415.29"),
    # a bill with no deduction stays a bill
    ("【分期乐】您本期账单1,066.47元，请于05月10日前还款。", "106903366", "none", None),
]

# ---- the figure right after a bookkeeping verb or a card's field, without 元 ---------------------------
BARE_FIGURES = [
    # rce-4, rce-44, rce-37, rcd-93, rbj-17, rbl-52
    ("【广西农信】您的账户*2230于2023-12-05 16:42 贷记 12,000.00,余额 12,807.64。摘要:转账", "96288", IN, "12000.00"),
    ("【广西农信】您的账户*2230于2023-12-06 09:02 借记 10,000.00,余额 2,807.64。摘要:网银转账", "96288", OUT,
     "10000.00"),
    ("您的卡号尾数9020的账户于16年07月22日10:05存款:1000.00,余额:1,302.51。[广西农村信用社]", "96288", IN, "1000.00"),
    ("【张家港农商银行】交易提醒\n账户：*1236\n交易时间：04-19 03:12\n交易类型：基金赎回\n"
     "收入：2,315.00\n余额：2,618.49", "10690996000", IN, "2315.00"),
    ("【吉林农信】您尾号3357的账户于01-09 09:32贷方发生额5,000.00,余额6,120.74。", "96888", IN, "5000.00"),
    ("【贵州农信】您的尾号7124账户于12月03日贷方发生额3,200.00元，余额3,498.50元，摘要：转账", "96688", IN, "3200.00"),
    ("【贵州农信】您的尾号7124账户于12月03日借方发生额3,200.00元，余额298.50元，摘要：转账", "96688", OUT, "3200.00"),
    ("【张家港农商银行】交易提醒\n账户：*1236\n交易类型：消费\n支出：315.00\n余额：2,303.49", "10690996000",
     OUT, "315.00"),
]

# ---- a bank card moving money to and from a securities account (银证转账) -------------------------------
SECURITIES_TRANSFERS = [
    # rcd-10, rcd-14, rcd-27: the bank's notice
    ("您账户2281于04月10日13:06第三方存管银行转证券人民币15000.00，余额4402.77【招商银行】", "1065795555", OUT,
     "15000.00"),
    ("【中信银行】您尾号0932的中信卡于04月10日10:41，第三方存管银行转证券人民币8,000.00元，当前余额为人民币2.35元。",
     "106980095558", OUT, "8000.00"),
    ("【南京银行】您的账户*0715于04月16日11:20通过第三方存管转入证券资金账户5,600.00元，账户余额94.81元"
     "。", "95302", OUT,
     "5600.00"),
    ("您账户2281于04月12日10:06第三方存管证券转银行人民币9,000.00，余额13402.77【招商银行】", "1065795555", IN,
     "9000.00"),
    ("【工商银行】您尾号5230卡4月12日10:02银证转账转入人民币2,000.00元，余额3,860.32元。", "95588", IN, "2000.00"),
]

# ---- words of one transaction kind that decide where they stand ----------------------------------------
VERBS = [
    # rce-72: 对外转账; rcg-114: 扣回; rca-18: 岀 for 出
    ("【广州农商银行】您尾号8123的账户07月02日09:30对外转账50,000.00元，余额1,402.60元。", "95313", OUT, "50000.00"),
    ("【浦发银行】您尾号8051卡05月25日POS收单调账扣回人民币460.00元，可用余额17,770.44。", "95528", OUT, "460.00"),
    ("【浙商银行】您尾号3088的账户04月11日16:16转账汇款支岀5,000.00元，余额2.35元。", "95527", OUT, "5000.00"),
    # rbk-62, rbp-85: the bookkeeping verb right before the figure (CCB's 余额宝转出收入, 退款支出)
    ("您尾号0516的储蓄卡12月7日15时02分余额宝转出收入人民币2,000.00元,活期余额2,100.16元。[建设银行]", "95533", IN,
     "2000.00"),
    ("【浙商银行】您尾号0930的对公账户03月23日退款支出128.00元，摘要：客户退货退款，余额30,442.18元。", "95527", OUT,
     "128.00"),
    ("您尾号5230卡4月12日10:02基金退款收入(申购失败退款)2,000元，余额3,860.32元。【工商银行】", "95588", IN, "2000.00"),
    # rcg-115: a 代付 received and then undone; rcg-69: 农业银行's unsigned frame with a debit word
    ("【中国农业银行】您尾号2214账户05月26日撤销代付交易人民币300.00，余额8540.02。", "95599", OUT, "300.00"),
    ("【中国农业银行】您尾号6631账户04月30日15:20完成代扣交易人民币99.00，摘要：POS服务费，余额4913.77。", "95599",
     "review", "99.00"),
    ("【中国农业银行】您尾号6631账户04月30日15:20完成代扣交易人民币-99.00，余额4913.77。", "95599", OUT, "99.00"),
    # rbo-69: interest paid to the holder (付息); rbo-85: a pre-authorisation completed, the original hold released
    ("【浙江农信】您尾号0918的账户于03月21日付息人民币0.62元，余额2,052.39元。", "96596", IN, "0.62"),
    ("王女士，您尾号3306招行信用卡03月28日09:15在如家酒店预授权完成人民币356.00元，原预授权800.00元已撤销。【招商银行】",
     "1065795555", OUT, "356.00"),
    # rbo-50, rbp-3: the other party's name holds 退款 (a fraudster's 退款中心)
    ("微信支付\n转账成功\n-￥500.00\n收款方：京东退款中心(**宏)\n支付方式：零钱\n转账时间：2015-03-18 18:10:0"
     "2", "微信支付",
     OUT, "500.00"),
    ("您尾号4410卡3月19日20:47网上银行支出(跨行汇款)38,000元，余额1,205.33元，对方户名：深圳市鑫诚退款中心服务有限公司。【工商银行】",
     "95588", OUT, "38000"),
]

# ---- failed, queued and future payments (the twelfth round) ----------------------------------------------
NOT_DONE = [
    # rbk-83: a card titled 提现失败通知
    ("提现失败通知\n提现金额：￥300.00\n到账银行卡：建设银行(8812)\n失败原因：银行卡状态异常，资金已退回零"
     "钱", "微信支付", "none",
     None),
    # rbn-85: a salary that could not be credited and went back to the employer
    ("【盛京银行】贵账户*2755于03月17日的代发工资人民币7,400.00元因账户状态异常未能入账，已退回代发单位"
     "。", "10690096555",
     "none", None),
    # rbn-90: a transfer queued while the receiving bank is down
    ("【晋商银行】您好，您尾号5091账户3月18日17时34分网银转账人民币10000元，因收款行系统维护暂未处理，将于系统恢复后自动发送。",
     "10690095105", "review", "10000"),
    # rbn-59: a pension to be paid later this month
    ("【人社局】您的养老金本月应发3,216.00元，将于15日前发放至您的社保卡，请注意查收。", "12333", "none", None),
    # paid: money in
    ("【人社局】您的养老金3,216.00元已于12月15日发放至您的社保卡，请注意查收。", "12333", IN, "3216.00"),
]

# ---- several movements told in one message, each with its own time -------------------------------------
SEVERAL_MOVEMENTS = [
    # ras-37, ras-45, rm-11: the same way - the amount is their sum
    ("【长沙银行】您尾号5520的账户04月03日收到转账2笔：10:12转入3,000.00元，10:15转入2,000.00元，"
     "余额5,388.20元。", "96511", IN, "5000.00"),
    ("【湖南三湘银行】您尾号5831的账户03月19日14:02转账支出20,000.00元，14:05转账支出15,000.00元，余额318.40元。",
     "10690096599", OUT, "35000.00"),
    ("【兴业银行】您尾号4410账户03月18日10:12快捷支付支出88.00元，10:15快捷支付支出1,200.00元，余额312.56元。", "95561",
     OUT, "1288.00"),
    # rbf-73: money in and out - review, no net figure guessed
    ("【长沙银行】您尾号8812账户05月29日14:02转入20,000.00元；14:05转出19,998.00元（收款方：刘*），"
     "余额3,120.27元。", "96511", "review", "20000.00"),
    # one movement with a fee, a figure in a remark, a figure after the balance: no sum
    ("【工商银行】您尾号4410卡03月18日10:12跨行转出3,000.00元，手续费5.00元，余额1,200.00元。", "95588", OUT,
     "3000.00"),
    ("账户*1895于09月12日14:41存入￥1.00元，可用余额5.83元。存入￥500.00元。【民生银行】", "95568", IN, "1.00"),
    ("王**向尾号9186账户15:13转入300元，余额为304.85元，摘要:网银跨行汇款存入600.00元。[光大银行]", "95595", IN,
     "300"),
]

# ---- the fourteenth blind round (sets ci-cp): variants of the classes its lines showed --------------------
ROUND_FOURTEEN = [
    # rci-36: an auto-renewal's terms (首月6元，次月起每月25元) are prices; the renewal charged is a debit
    ("【支付宝】你已成功开通“腾讯视频VIP连续包月”自动续费服务，首月9元，次月起每月20元。", "95188", "none", None),
    ("【支付宝】你的“腾讯视频VIP连续包月”已自动续费，已自动扣款20.00元。", "95188", OUT, "20.00"),
    # rci-90: a direct-debit agreement ended
    ("您尾号1234卡与支付宝-爱奇艺的代扣协议已于7月01日解约，后续将不再代扣。【工商银行】", "95588", "none", None),
    # rcj-26, rcj-28: a medical insurance fund's share is not the holder's; the self-paid part is
    ("【广州医保】您于2025年05月02日门诊结算，总费用860.00元，统筹基金支付600.00元，个人自付260.00元"
     "。", "12393", "none",
     None),
    ("【支付宝】您在中山大学附属第一医院使用医保移动支付，医保统筹支付120.00元，自费支付35.50元"
     "。", "95188", OUT, "35.50"),
    ("【广州医保】您的住院医疗费用经统筹报销2,100.00元，已于06月01日拨付至您社保卡（尾号4408）"
     "。", "12393", IN, "2100.00"),
    # rcj-110: currency bought inside the holder's account
    ("【招商银行】您账户2201于09月01日购汇美元2,000.00，扣款人民币14,380.00元。", "95555", "none", None),
    # rck-27, rck-107: a cash withdrawal booked
    ("【建设银行】您已成功预约06月03日在杭州西湖支行提取现金人民币60,000元，请携带身份证件办理"
     "。", "95533", "none", None),
    # rck-97: a forged note's face value
    ("【中国银行】您于05月05日存入现金时发现假币2张（面额50元），已依法收缴。", "95566", "none", None),
    # rcl-76: a car loan paid to the dealer
    ("【某汽车金融】您的汽车贷款人民币120,000.00元已于11月12日放款至经销商账户，首期还款日12月12日。", "10690588789",
     "none", None),
    # rcl-77, rcl-94: a due figure or a bill the same sentence says was taken from the holder's card
    ("【某汽车金融】您1月应还款3,100.00元已从尾号2201的账户成功扣款。", "10690588789", OUT, "3100.00"),
    ("【招联金融】您本期账单1,200.00元已于12月20日通过尾号2201的银行卡自动还款成功。", "95786", OUT, "1200.00"),
    # rcm-6, rcm-31, rcm-53: paying into someone's 群收款 / AA收款
    ("群收款\n你已支付“团建”\n付款金额：¥120.00\n发起人：王**", "微信支付", OUT, "120.00"),
    ("您尾号2201的账户06月19日12:20支付宝AA收款付款75.00元，余额1,000.00元。【兴业银行】", "95561", OUT, "75.00"),
    # rcm-17: a transfer that expired unaccepted went back to its payer
    ("转账过期退还\n你未在24小时内确认收款，张**向你转账的¥300.00已退还给对方", "微信支付", "none", None),
    # rcm-25: what is left of a red packet, come back
    ("红包退回提醒\n你发的支付宝红包未被领完，剩余¥12.50已退回至余额", "支付宝", IN, "12.50"),
    # rcm-28, rcm-29: a partner's deposit into a shared pocket is not the holder paying; taken out to the balance
    ("小荷包存入提醒\n你的伙伴张**向小荷包“家用”存入¥200.00", "支付宝", IN, "200.00"),
    ("小荷包“家用”\n你已成功转出¥300.00至账户余额", "支付宝", IN, "300.00"),
    # rcn-2: frozen funds returned
    ("您尾号2201卡3月19日10:05工商银行收入(冻结资金返还)3,000元，余额3,100.00元。【工商银行】", "95588", IN, "3000"),
    # rcn-76: a payee named by a masked name
    ("转账到银行卡成功\n金额 ¥800.00\n收款人 **华 工商银行(2201)\n付款方式 余额", "95188", OUT, "800.00"),
    # rco-16, rco-45, rco-95, rco-96, rco-67: 万元 and capital numerals beside the movement
    ("【华夏银行】您尾号为2201的账户于11月20日09:41转出人民币2万元整，余额人民币21.09元。", "95577", OUT, "20000"),
    ("【福建农信】您尾号2201的账户10月18日14:03跨行汇入2.5万元，余额25,322.07元。", "96336", IN, "25000"),
    ("【建设银行】您的快贷5万元已发放至尾号2201账户，请按时还款。", "95533", IN, "50000"),
    ("【云南农信】您尾号2201的账户于11月03日转出人民币叁万伍仟元整，余额300.00元。", "96500", OUT, "35000"),
    ("【贵州农信】您尾号2201的账户于10月30日柜面存入人民币壹仟零伍元伍角，余额1,100.00元。", "96688", IN, "1005.5"),
    ("【某银行】最高可借20万元，日息低至万分之二，点击申请。", "95599", "none", None),
    # rcp-21: a failed transaction's money sent back in
    ("【广东农信】您尾号2201的账户09月12日11:47因原交易失败退汇入账，金额800.00元，余额900.00元。", "106980096138", IN,
     "800.00"),
    # rcp-97: a credit told as cancelled is review; the bank's 冲正 of a deposit stays money out
    ("【湖南农信】您尾号2201账户12月20日09:15转入人民币500.00元的交易已撤销，余额1,000.00元。", "96518", "review",
     "500.00"),
    ("【湖南农信】您尾号2201账户12月20日存入500.00元交易已冲正，余额1,000.00元。", "96518", OUT, "500.00"),
    # rcj-5: an application approved, its figure in brackets
    ("【国家税务总局】您提交的个人所得税汇算退税申请(退税金额120.00元)已审核通过，正在办理退库"
     "。", "12366", "none", None),
]

# ---- the fifteenth blind round (sets cq-cz): variants of the classes its lines showed --------------------
ROUND_FIFTEEN = [
    # rcq-5, rcq-6, rcq-75: a late fee, revolving interest, an over-limit fee posted - only a credit card's
    ("【广发银行】您尾号1234广发卡08月06日入账滞纳金人民币35.00元，请及时还款。", "95508", OUT, "35.00"),
    ("【兰州银行】您尾号1234信用卡于08月02日入账超限费人民币8.00元。", "96799", OUT, "8.00"),
    # rcq-65: an overpayment balance stated; 抵扣 deducts nothing from the account
    ("【中国银行】您尾号1234的信用卡账户当前有溢缴款人民币20.00元，可用于抵扣后续消费。", "95566", "none", None),
    # rcw-101: a later sentence says this very movement was reversed - review, whichever way it went
    ("【邮储银行】25年06月10日09:05您尾号1234账户代发工资金额3,000.00元，余额3,100.00元。该笔交易已于09:31冲正。",
     "95580", "review", "3000.00"),
    ("【工商银行】您尾号1234卡6月10日09:05支出(网上银行)500.00元，余额100.00元。该笔交易已于09:31撤销。", "95588",
     "review", "500.00"),
    ("【浙商银行】您尾号1234的账户03月23日退款支出128.00元，余额300.00元。该笔交易已于10:02冲正。", "95527", "review",
     "128.00"),
    # (a refund whose later sentence confirms it stays money in)
    ("您的一卡通1234于07月03日20:44 POS消费撤销人民币120.00元，该笔款项已退回。[招商银行]", "95555", IN, "120.00"),
    # rcx-30: a balance in yuan after a spend abroad is no settlement of it
    ("您尾号1234卡4月19日10:21境外消费支出(POS消费)USD50.00，余额折合人民币800.00元。【工商银行"
     "】", "95588", OUT, "50.00"),
    # rcw-74: 福利费 paid by an employer is a payment, not an advert
    ("【中国农业银行】您尾号1234账户01月24日09:12完成代发福利费交易人民币500.00，余额600.00。", "95599", IN, "500.00"),
    # rcy-24: a repayment asked for by a date
    ("【华夏银行】您申请的信用卡分期还款方案已审批通过，需于2024年10月20日前还款5,000.00元。", "95577", "none", None),
    # rcu-60: what the holder bought (购买的理财产品) is no purchase in this notice
    ("【泉州银行】您尾号1234账户购买的理财产品已于04月10日到期兑付本息10,150.00元，余额10,200.00元。", "96312", IN,
     "10150.00"),
    # rcx-18: 农业银行's unsigned frame in another bank's quick payment - review, never money in
    ("【中信银行】您尾号1234的中信卡于04月13日01:22在支付宝-某公司完成一笔快捷支付交易,金额为RMB800.00。",
     "95558", "review", "800.00"),
    # rcv-75: a reversal that explains the failure it names
    ("【长沙银行】您尾号1234账户于04月09日09:50发生冲正交易，金额+100.00元，余额200.00元（原ATM取款交易失败）。",
     "96511", IN, "100.00"),
]

ROUND_THIRTEEN = (OTHERS_ACCOUNT + LOAN_TO_THIRD_PARTY + NOT_YET_MOVED + PAID_ON_BEHALF + INVOICES
                  + LOAN_REPAID_FROM_CARD + BARE_FIGURES + SECURITIES_TRANSFERS + VERBS + NOT_DONE
                  + SEVERAL_MOVEMENTS + ROUND_FOURTEEN + ROUND_FIFTEEN)


@pytest.mark.parametrize(("body", "sender", "way", "amount"), ROUND_THIRTEEN, ids=lambda v: str(v)[:24])
def test_each_class(body: str, sender: str, way: object, amount: str | None) -> None:
    n = read(body, sender)
    if way == "none":
        assert n.direction is None and not n.needs_review, n
    else:
        assert outcome(n) == way, n
        assert n.amount == Decimal(str(amount)), n


# ---- through the timeline: what the claimant's totals count, and what the chronology says ----------------
def test_the_new_readings_reach_the_totals_and_the_chronology() -> None:
    """Built by the real SMS event builder and timeline (as every SMS source is): two debits told in one
    message are counted as their sum and quoted figure by figure; money in and out in one message, a
    child's account and a transfer only accepted are shown for review with their reason and counted
    nowhere."""
    from tests.test_banksms_balance import _by_locator, build

    tl = build([
        (30, "【兴业银行】您尾号4410账户03月18日20:12快捷支付支出88.00元，20:15快捷支付支出1,200.00元，余额312.56元。"),
        (31, "【长沙银行】您尾号8812账户03月18日20:31转入20,000.00元；20:33转出19,998.00元（收款方：刘*），"
             "余额3,120.27元。"),
        (32, "【宁波银行】您监护的子女账户尾号0912于03月18日20:32消费支出58.00元（校园超市），账户余额441.00元。"),
        (33, "您的跨行汇款交易已受理，金额人民币5,000.00元，收款人张*，请留意账户变动。【中国银行】"),
    ])
    summed, both_ways, child, accepted = (_by_locator(tl, f"sms[{i}]") for i in range(1, 5))
    assert summed.direction is Direction.DEBIT and summed.amount == Decimal("1288.00")
    assert summed.details["amount_text"] == "88.00元 + 1,200.00元"
    for e, why in ((both_ways, "方向相反"), (child, "不是本人的"), (accepted, "在途")):
        assert e.direction is None and e.details["needs_review"] == "true", e
        assert why in e.details["review_reason"], e.details["review_reason"]
    assert tl.facts.total_debited == Decimal("1288.00")
