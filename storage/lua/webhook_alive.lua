-- webhook_alive: an instance's heartbeat. While its key lives, no other
-- instance takes the chats it holds; the instance is listed so that the
-- others find its claimed list once the key expired.
--
-- KEYS[1] the instance's heartbeat   KEYS[2] set of instances
-- ARGV[1] heartbeat TTL (ms)         ARGV[2] instance id

redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
redis.call('SADD', KEYS[2], ARGV[2])
return 1
