"""The demo knowledge base: answers customers are offered while they describe a problem."""
from portal.extensions import db
from portal.models import KnowledgeArticle

# Knowledge-base answers customers are offered while they describe a problem (portal.domain.knowledge).
# title, product category, keywords, body. Safety first wherever water meets electricity.
KNOWLEDGE = [
    ("显示终端开机黑屏 Display stays black after power-on", "display",
     "黑屏 不亮 无显示 没画面 开机 black screen blank no-display",
     "1. 确认电源指示灯是否亮起；不亮时检查电源线和插座，换一个插座再试。\n"
     "2. 指示灯亮但黑屏：长按电源键 10 秒强制关机，拔掉电源 30 秒后重新开机。\n"
     "3. 检查亮度是否被调到最低，或是否进入了节能模式（轻触屏幕或按任意键唤醒）。\n"
     "4. 仍然黑屏：请提交报修，并注明指示灯颜色。\n\n"
     "If the power light is off, try another socket. If it is on but the screen stays black, hold the power "
     "button for 10 s, unplug for 30 s and start again."),
    ("显示终端触摸失灵 Touch screen does not respond", "display",
     "触摸 失灵 不灵 点不动 乱跳 touch unresponsive",
     "1. 用干燥的软布清洁屏幕，屏幕上有水或油污会导致误触。\n"
     "2. 摘下手套，或确认使用的是电容笔。\n"
     "3. 在“设置 > 触摸校准”中重新校准。\n"
     "4. 重启设备后仍无反应，请报修。\n\nClean the screen with a dry cloth, remove gloves and recalibrate "
     "under Settings > Touch calibration."),
    ("显示终端花屏、闪屏或有竖线 Flicker, stripes or garbled image", "display",
     "花屏 闪屏 竖线 横线 闪烁 条纹 flicker stripes lines",
     "1. 重新插紧视频线或排线（先关机断电）。\n"
     "2. 降低亮度观察是否改善；环境温度过高也会引起闪烁，请保持通风。\n"
     "3. 竖线固定不动多为屏幕故障，请报修并拍一张照片上传。\n\n"
     "A fixed line usually means the panel needs repair: please send a photo with your request."),
    ("洗衣机漏水 Washing machine leaks water", "appliance",
     "漏水 渗水 地上有水 滴水 进水管 排水管 leak leaking water",
     "安全第一：发现漏水请立即停止使用，关闭水龙头并拔掉电源插头，不要用湿手触碰插头。\n"
     "1. 检查进水管两端是否拧紧，密封圈是否老化。\n"
     "2. 检查排水管是否插牢、是否有破损；清理底部过滤器后确认盖子拧紧。\n"
     "3. 门封圈处漏水：检查是否夹有衣物或异物。\n"
     "4. 找不到漏点或机身底部漏水，请报修，期间不要继续使用。\n\n"
     "Safety first: stop using it, turn off the tap and unplug it. Never touch the plug with wet hands."),
    ("洗衣机一开机就跳闸 Washing machine trips the breaker", "appliance",
     "跳闸 漏电 断路器 空开 麻手 电击 trips breaker shock earth",
     "安全第一：请立即停止使用并拔掉电源插头，不要触摸机身。跳闸或有麻手感可能是漏电，存在触电危险。\n"
     "1. 不要反复合闸试机。\n"
     "2. 确认插座有可靠接地，不要使用没有接地的插线板。\n"
     "3. 请立即报修，我们按安全问题优先处理。\n\n"
     "Safety first: stop using it and unplug it; do not switch the breaker on again to test. A tripping "
     "breaker or a tingle on the casing can mean current leaking to the body."),
    ("洗衣机显示错误代码 E21 / E10 Washing machine error codes", "appliance",
     "错误代码 故障码 代码 E21 E10 E30 排水 进水 error code",
     "E10：进水超时。检查水龙头是否打开、水压是否过低、进水管是否弯折。\n"
     "E21：排水超时。清理底部排水过滤器，检查排水管是否堵塞或放得过高。\n"
     "E30：门锁异常。关好机门，检查是否有衣物夹在门边。\n"
     "清理后断电 1 分钟再开机；代码仍然出现，请报修并注明代码。\n\n"
     "E10: no water coming in. E21: water not draining, clean the drain filter. E30: door lock."),
    ("洗衣机脱水时剧烈晃动、异响 Shaking and noise when spinning", "appliance",
     "晃动 异响 噪音 震动 脱水 跳动 noise shaking vibration spin",
     "1. 首次使用请确认已拆除机身后部的运输螺栓。\n"
     "2. 调节底脚使机身水平、四脚着地。\n"
     "3. 衣物过少或集中在一侧（如单条毛毯）会导致不平衡，请重新摆放。\n"
     "4. 有金属撞击声或焦糊味请停止使用并报修。\n\n"
     "Remove the transport bolts, level the feet and spread the laundry evenly."),
    ("电源模块无输出 Power module has no output", "equipment",
     "无输出 没电压 不工作 指示灯 输出 no-output voltage",
     "安全第一：检修前请断开输入电源并等待 5 分钟放电。\n"
     "1. 检查输入电压是否在额定范围内，输入端保险丝是否熔断。\n"
     "2. 检查负载是否短路：断开负载后测量空载输出。\n"
     "3. 指示灯为红色表示保护状态，断电重启可复位。\n"
     "4. 仍无输出请报修，并注明指示灯状态和现场电压。\n\n"
     "Disconnect the input and wait 5 minutes before touching terminals."),
    ("电源模块风扇不转、过热保护 Fan stopped, overheat protection", "equipment",
     "风扇 不转 过热 高温 报警 温度 fan overheat temperature alarm",
     "1. 清理进风口和滤网的灰尘，保持模块周围至少 10 cm 通风空间。\n"
     "2. 环境温度超过 45 °C 时模块会降额或保护停机。\n"
     "3. 风扇不转或有异响请报修更换风扇（PX-FAN）。\n\n"
     "Clean the air inlet and keep 10 cm of free space around the module."),
    ("停电恢复后设备不启动 Nothing starts after a power cut", ("display", "equipment"),
     "停电 来电 断电 不启动 没反应 浪涌 power-cut outage surge",
     "1. 确认墙上插座或配电箱已经恢复供电（同一插座接一盏台灯试试）。\n"
     "2. 检查设备电源线、排插的保险开关，按下复位键后重新插好。\n"
     "3. 电源模块请先断开负载，等待 1 分钟再开机；显示终端请拔掉电源 30 秒后开机。\n"
     "4. 仍无反应或闻到焦味：请勿反复开机，直接提交报修。\n\n"
     "Check the socket has power again and reset the power strip; unplug for 30 s (display) or disconnect the "
     "load for a minute (power module). If it still does not start or smells burnt, request service."),
    ("报修前可以准备什么 What to have ready when you request service", None,
     "报修 序列号 发票 购买日期 保修 serial invoice warranty",
     "请准备：产品型号和序列号（机身背面或底部铭牌）、购买发票或日期、故障现象（什么时候发生、多久一次）、"
     "已经尝试过的方法，以及一两张故障照片。信息越完整，工程师越能一次修好。\n\n"
     "Have the model and serial number, the purchase date, what happens and how often, and a photo ready."),
]


def ensure_knowledge_articles() -> int:
    """The demo knowledge base, added once by title. Returns how many articles were added."""
    existing = set(db.session.scalars(db.select(KnowledgeArticle.title)))
    added = 0
    for title, categories, keywords, body in KNOWLEDGE:
        if title not in existing:
            categories = (categories,) if isinstance(categories, str) else categories or ()
            db.session.add(KnowledgeArticle(title=title, product_categories=categories, keywords=keywords, body=body,
                                            locale="zh_CN", published=True))
            added += 1
    return added
