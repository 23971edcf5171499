// A small command-line wrapper around typage (the `age-encryption` npm package),
// so the interoperability tests can check our Python implementation against an
// independent one. Input is read from stdin and output written to stdout as raw
// bytes. On any error it prints one line to stderr and exits non-zero.
//
//   node typage.mjs keygen [--pq|--classic]
//   node typage.mjs recipient IDENTITY
//   node typage.mjs encrypt -r RECIPIENT [-r RECIPIENT...] [--armor]
//   node typage.mjs encrypt-passphrase PASSPHRASE [--work-factor LOG_N] [--armor]
//   node typage.mjs decrypt (-i IDENTITY | -I FILE)... [--armor]
//   node typage.mjs decrypt-passphrase PASSPHRASE [--armor]
//
// Decryption accepts armored input even without --armor (as the age CLI does);
// with --armor the input must be armored.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import * as age from "age-encryption";

const ARMOR_BEGIN = "-----BEGIN AGE ENCRYPTED FILE-----";

// Reads all of stdin. We hand typage whole buffers rather than streams so that
// a failed decryption writes nothing to stdout (streaming would already have
// written the chunks before a bad one), which keeps the tests simple.
async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const buf = Buffer.concat(chunks);
  // typage expects a plain Uint8Array; this is a view, not a copy.
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

// Reads an age identity file: one identity per line, "#" comments and blank
// lines ignored.
function readIdentityFile(path) {
  return readFileSync(path, "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

// Undo the ASCII armor if asked to, or if the input looks armored.
function maybeDearmor(data, armor) {
  // latin1 keeps every byte as one character, so stray binary is rejected by
  // typage's strict base64 check instead of being silently replaced.
  const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("latin1");
  if (armor || text.trimStart().startsWith(ARMOR_BEGIN)) return age.armor.decode(text);
  return data;
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  const { values: opts, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      pq: { type: "boolean" },
      classic: { type: "boolean" },
      armor: { type: "boolean", short: "a" },
      recipient: { type: "string", short: "r", multiple: true, default: [] },
      identity: { type: "string", short: "i", multiple: true, default: [] },
      "identity-file": { type: "string", short: "I", multiple: true, default: [] },
      "work-factor": { type: "string" },
    },
  });
  const onePositional = (what) => {
    if (positionals.length !== 1) throw new Error(`${command} needs exactly one ${what}`);
    return positionals[0];
  };
  const writeCiphertext = (ct) => process.stdout.write(opts.armor ? age.armor.encode(ct) : ct);

  switch (command) {
    case "keygen": {
      if (opts.pq && opts.classic) throw new Error("use only one of --pq and --classic");
      // Classic X25519 by default, like age-keygen.
      const identity = opts.pq ? await age.generateHybridIdentity() : await age.generateX25519Identity();
      process.stdout.write(`${identity}\n${await age.identityToRecipient(identity)}\n`);
      break;
    }
    case "recipient": {
      process.stdout.write(`${await age.identityToRecipient(onePositional("identity"))}\n`);
      break;
    }
    case "encrypt": {
      if (opts.recipient.length === 0) throw new Error("encrypt needs at least one -r RECIPIENT");
      const e = new age.Encrypter();
      for (const r of opts.recipient) e.addRecipient(r);
      writeCiphertext(await e.encrypt(await readStdin()));
      break;
    }
    case "encrypt-passphrase": {
      const e = new age.Encrypter();
      if (opts["work-factor"] !== undefined) e.setScryptWorkFactor(Number(opts["work-factor"]));
      e.setPassphrase(onePositional("passphrase"));
      writeCiphertext(await e.encrypt(await readStdin()));
      break;
    }
    case "decrypt": {
      const identities = [...opts.identity, ...opts["identity-file"].flatMap(readIdentityFile)];
      if (identities.length === 0) throw new Error("decrypt needs at least one -i IDENTITY or -I FILE");
      const d = new age.Decrypter();
      for (const i of identities) d.addIdentity(i);
      process.stdout.write(await d.decrypt(maybeDearmor(await readStdin(), opts.armor)));
      break;
    }
    case "decrypt-passphrase": {
      const d = new age.Decrypter();
      d.addPassphrase(onePositional("passphrase"));
      process.stdout.write(await d.decrypt(maybeDearmor(await readStdin(), opts.armor)));
      break;
    }
    default:
      throw new Error(`unknown command ${JSON.stringify(command ?? "")}`);
  }
}

main().catch((err) => {
  const message = String(err?.message ?? err).replace(/\s+/g, " ").trim();
  process.stderr.write(`typage.mjs: ${message}\n`);
  process.exitCode = 1;
});
