import sys
from kafka import KafkaProducer
addr, codec, api = sys.argv[1], sys.argv[2], tuple(int(x) for x in sys.argv[3].split('.'))
p = KafkaProducer(bootstrap_servers=addr, api_version=api, linger_ms=200,
                  compression_type=None if codec == 'none' else codec)
msgs = [(b'key1', b'value1'), (b'key2', None), (None, b'value3'), (b'key4', b'value4')]
for i, (k, v) in enumerate(msgs):
    p.send('t', key=k, value=v, partition=0, timestamp_ms=1700000000000 + i * 7)
p.flush(); p.close()
