import logging
import os

from django.core.management.base import BaseCommand, CommandError

from anying.monitoring.mqtt import TOPIC, Broker, Consumer


class Command(BaseCommand):
    help = ("订阅 MQTT 代理上的监测读数并入库、判定报警（默认本机 Mosquitto）。"
            "Subscribe to readings on an MQTT broker (local Mosquitto by default) and ingest them.")

    def add_arguments(self, parser):
        parser.add_argument("--url", default=os.environ.get("ANYING_MQTT_URL", "mqtt://127.0.0.1:1883"),
                            help="mqtt://用户:密码@主机:端口 或 mqtts://…（默认 ANYING_MQTT_URL 或 mqtt://127.0.0.1:1883）")
        parser.add_argument("--topic", default=TOPIC)
        parser.add_argument("--group", default="", help="共享订阅组名（EMQX 等集群上多个进程分担）")
        parser.add_argument("--client-id", default="", help="固定客户端ID：断线期间的 QoS 1 消息由代理保留")
        parser.add_argument("--qos", type=int, choices=[0, 1], default=1)
        parser.add_argument("--workers", type=int, default=0,
                            help="处理线程数（同一网关的消息总由同一线程按序处理）；默认 PostgreSQL 2、SQLite 1")
        parser.add_argument("--watch-every", type=float, default=10.0,
                            help="每隔多少秒执行一次离线判定、报警升级和汇总（0 不执行，交给 anying tick）")

    def handle(self, *args, url, topic, group, client_id, qos, workers, watch_every, **options):
        from django.db import connection

        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
        # SQLite has one writer: more threads would only queue for its lock
        workers = workers or (2 if connection.vendor == "postgresql" else 1)
        try:
            consumer = Consumer(Broker.from_url(url), topic, group=group, qos=qos, client_id=client_id,
                                workers=workers)
            consumer.start()
        except (ValueError, OSError, ConnectionError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"正在接收 MQTT 监测读数：{url} {consumer.topic}（按 Ctrl+C 停止）")
        try:
            consumer.run_forever(watch_every)
        except KeyboardInterrupt:
            consumer.stop()
