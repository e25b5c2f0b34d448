import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from anying.monitoring import ingest, timeseries, watch
from anying.monitoring.models_sensors import Sensor
from anying.monitoring.simulator import Plant, post_http, publish_mqtt, simulator_devices


class Command(BaseCommand):
    help = ("模拟监测读数：为演示企业（或指定企业）的监测点位持续产生读数，偶尔超限触发报警。"
            "Feed simulated readings over HTTP, MQTT or directly, with an occasional excursion that raises alarms.")

    def add_arguments(self, parser):
        parser.add_argument("--via", choices=["direct", "http", "mqtt"], default="direct",
                            help="direct：直接写入本机数据库（默认）；http：POST 到 --url；mqtt：发布到 --mqtt 代理")
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="--via http 时的服务地址")
        parser.add_argument("--mqtt", default="mqtt://127.0.0.1:1883", help="--via mqtt 时的代理地址")
        parser.add_argument("--enterprise", type=int, action="append", help="只模拟这些企业（ID，可重复）")
        parser.add_argument("--interval", type=float, default=10.0, help="每轮间隔秒数")
        parser.add_argument("--cycles", type=int, default=0, help="轮数（0 为一直运行）")
        parser.add_argument("--alarm-every", type=int, default=30, help="每隔多少轮让一个点位超限（0 不触发）")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--force", action="store_true",
                            help="允许模拟非演示企业（会写入读数并触发真实报警，仅用于验收测试）")

    def handle(self, *args, via, url, mqtt, enterprise, interval, cycles, alarm_every, seed, force, **options):
        qs = Sensor.objects.filter(is_active=True)
        qs = qs.filter(enterprise_id__in=enterprise) if enterprise else qs.filter(is_demo=True)
        if not force:
            real = qs.filter(enterprise__is_demo=False).values_list("enterprise__name", flat=True).distinct()[:3]
            if real:
                raise CommandError(f"{'、'.join(real)} 不是演示企业：模拟读数会触发真实报警。确需模拟请加 --force")
        sensors = list(qs.order_by("id"))
        if not sensors:
            raise CommandError("没有可模拟的监测点位（先运行 anying demo，或用 --enterprise 指定有监测点位的企业）")
        devices = simulator_devices({s.enterprise_id for s in sensors})
        plant = Plant(sensors, seed)
        client = None
        if via == "mqtt":
            import paho.mqtt.client as paho

            from anying.monitoring.mqtt import Broker

            broker = Broker.from_url(mqtt)
            client = paho.Client(paho.CallbackAPIVersion.VERSION2)
            if broker.username:
                client.username_pw_set(broker.username, broker.password)
            client.connect(broker.host, broker.port)
            client.loop_start()
        self.stdout.write(f"模拟 {len(sensors)} 个监测点位（{len(devices)} 家企业），经由 {via}，每 {interval:g} 秒一轮；Ctrl+C 停止")
        n = 0
        try:
            while not cycles or n < cycles:
                n += 1
                if alarm_every and n % alarm_every == 0:
                    s = plant.start_excursion()
                    self.stdout.write(f"  第{n}轮：{s.code} {s.name} 开始超限")
                t = timeseries.ms(timezone.now())
                for ent_id, rows in plant.readings(t).items():
                    device, token = devices[ent_id]
                    if via == "direct":
                        ingest.ingest(device, rows)
                    elif via == "http":
                        post_http(url, token, rows)
                    else:
                        publish_mqtt(client, token, rows, f"anying/readings/{device.pk}")
                if via == "direct":
                    watch.run()
                if not cycles or n < cycles:
                    time.sleep(interval)
        except KeyboardInterrupt:
            pass
        finally:
            if client is not None:
                client.loop_stop()
                client.disconnect()
        self.stdout.write(f"已发送 {n} 轮")
