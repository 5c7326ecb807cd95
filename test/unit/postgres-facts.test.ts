// postgres_facts' parser against rows captured from a real lab pair (PostgreSQL 15: a primary with one
// streaming standby through a slot, max_connections pending a restart), in both shapes a session returns:
// the json column as an object (pg) and as text.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parsePostgresFacts } from "../../src/modules/postgres_facts/index.js";

/** FACTS_QUERY's `facts` column on the primary (settings trimmed to a few). */
const PRIMARY = {
  "server": {
    "version":
      "PostgreSQL 15.18 (Debian 15.18-0+deb12u1) on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14+deb12u1) 12.2.0, 64-bit",
    "server_version": "15.18 (Debian 15.18-0+deb12u1)",
    "server_version_num": 150018,
    "in_recovery": false,
    "data_directory": "/var/lib/postgresql/15/gbcmod",
    "system_identifier": "7712501835635683572",
    "current_lsn": "0/3000000",
    "receive_lsn": null,
    "replay_lsn": null,
    "last_replay_time": null,
    "timeline": 1,
  },
  "replication": [
    {
      "application_name": "15/gbcmod",
      "client_addr": "198.18.0.41",
      "state": "streaming",
      "sync_state": "async",
      "sent_lsn": "0/3000000",
      "write_lsn": "0/3000000",
      "flush_lsn": "0/3000000",
      "replay_lsn": "0/3000000",
      "lag_bytes": 0,
      "replay_lag_seconds": 0.100514,
    },
  ],
  "wal_receiver": null,
  "slots": [
    {
      "slot_name": "standby_slot",
      "slot_type": "physical",
      "active": true,
      "restart_lsn": "0/3000000",
      "wal_status": "reserved",
      "retained_bytes": 0,
    },
  ],
  "settings": {
    "hot_standby": {
      "value": "on",
      "unit": null,
      "pending_restart": false,
    },
    "max_connections": {
      "value": "100",
      "unit": null,
      "pending_restart": true,
    },
    "max_wal_senders": {
      "value": "10",
      "unit": null,
      "pending_restart": false,
    },
    "primary_slot_name": {
      "value": "",
      "unit": null,
      "pending_restart": false,
    },
    "wal_keep_size": {
      "value": "0",
      "unit": "MB",
      "pending_restart": false,
    },
    "wal_level": {
      "value": "replica",
      "unit": null,
      "pending_restart": false,
    },
  },
};

/** The same query on the standby. */
const STANDBY = {
  "server": {
    "version":
      "PostgreSQL 15.18 (Debian 15.18-0+deb12u1) on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14+deb12u1) 12.2.0, 64-bit",
    "server_version": "15.18 (Debian 15.18-0+deb12u1)",
    "server_version_num": 150018,
    "in_recovery": true,
    "data_directory": "/var/lib/postgresql/15/gbcmod",
    "system_identifier": "7712501835635683572",
    "current_lsn": null,
    "receive_lsn": "0/3000000",
    "replay_lsn": "0/3000000",
    "last_replay_time": null,
    "timeline": 1,
  },
  "replication": [],
  "wal_receiver": {
    "status": "streaming",
    "sender_host": "198.18.0.22",
    "sender_port": 5457,
    "slot_name": "standby_slot",
    "received_tli": 1,
    "receive_start_lsn": "0/3000000",
    "written_lsn": null,
    "flushed_lsn": "0/3000000",
    "latest_end_lsn": null,
    "last_msg_receipt_time": "2026-11-26T15:26:11.541231+00:00",
  },
  "slots": [],
  "settings": {
    "hot_standby": {
      "value": "on",
      "unit": null,
      "pending_restart": false,
    },
    "max_connections": {
      "value": "120",
      "unit": null,
      "pending_restart": false,
    },
    "max_wal_senders": {
      "value": "10",
      "unit": null,
      "pending_restart": false,
    },
    "primary_slot_name": {
      "value": "standby_slot",
      "unit": null,
      "pending_restart": false,
    },
    "wal_keep_size": {
      "value": "0",
      "unit": "MB",
      "pending_restart": false,
    },
    "wal_level": {
      "value": "replica",
      "unit": null,
      "pending_restart": false,
    },
  },
};

test("a primary: current LSN, one streaming standby with its lag, the active slot, a pending restart", () => {
  const f = parsePostgresFacts(PRIMARY);
  assert.equal(f.version, "15.18 (Debian 15.18-0+deb12u1)");
  assert.equal(f.version_num, 150018);
  assert.equal(f.in_recovery, false);
  assert.equal(f.role, "primary");
  assert.equal(f.current_lsn, "0/3000000");
  assert.equal(f.replay_lsn, null);
  assert.equal(f.system_identifier, "7712501835635683572");
  assert.deepEqual(f.replication, [
    {
      application_name: "15/gbcmod",
      client_addr: "198.18.0.41",
      state: "streaming",
      sync_state: "async",
      sent_lsn: "0/3000000",
      write_lsn: "0/3000000",
      flush_lsn: "0/3000000",
      replay_lsn: "0/3000000",
      lag_bytes: 0,
      replay_lag_seconds: 0.100514,
    },
  ]);
  assert.equal(f.wal_receiver, null);
  assert.deepEqual(
    f.slots.map((s) => [s.slot_name, s.active, s.retained_bytes]),
    [["standby_slot", true, 0]],
  );
  assert.deepEqual(f.pending_restart_settings, ["max_connections"]);
  assert.equal(f.settings.max_connections, "100");
  assert.equal(f.settings.wal_level, "replica");
});

test("a standby: receive and replay LSNs, the WAL receiver and its slot, no current LSN", () => {
  const f = parsePostgresFacts(JSON.stringify(STANDBY));
  assert.equal(f.in_recovery, true);
  assert.equal(f.role, "standby");
  assert.equal(f.current_lsn, null);
  assert.deepEqual([f.receive_lsn, f.replay_lsn], ["0/3000000", "0/3000000"]);
  assert.equal(f.wal_receiver?.status, "streaming");
  assert.equal(f.wal_receiver?.sender_host, "198.18.0.22");
  assert.equal(f.wal_receiver?.slot_name, "standby_slot");
  assert.deepEqual(f.replication, []);
  assert.deepEqual(f.pending_restart_settings, []);
  assert.equal(f.settings.primary_slot_name, "standby_slot");
  assert.equal(f.system_identifier, parsePostgresFacts(PRIMARY).system_identifier);
});

test("numbers that arrive as text (numeric, bigint) are read as numbers; missing parts are empty, not errors", () => {
  const lagging = {
    ...PRIMARY,
    replication: [{ ...PRIMARY.replication[0], lag_bytes: "16777216", replay_lag_seconds: null }],
  };
  const f = parsePostgresFacts(lagging);
  assert.equal(f.replication[0]?.lag_bytes, 16777216);
  assert.equal(f.replication[0]?.replay_lag_seconds, null);
  const bare = parsePostgresFacts({ server: { in_recovery: "t" } });
  assert.equal(bare.in_recovery, true);
  assert.deepEqual(
    [bare.replication, bare.slots, bare.pending_restart_settings, bare.wal_receiver],
    [[], [], [], null],
  );
});
