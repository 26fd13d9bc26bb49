// One DNS query in, one answer out: the cluster zone answers its names
// authoritatively; other names go to the configured upstream resolvers, or
// get NXDOMAIN when there are none (nothing leaves the cluster unless the
// main process says so).

import type { ClusterZone } from './clusterZone.ts';
import { CLASS_IN, EDNS_UDP_SIZE, MalformedMessage, OPCODE_QUERY, RCODE, TYPE, UDP_LIMIT, encodeResponse, parseQuery, readId, type Query, type Response } from './message.ts';
import { forwardQuery } from './upstream.ts';

export type Transport = 'udp' | 'tcp';

export interface ResolverState {
  zone: ClusterZone;
  upstream: string[];
}

/** Undefined: no answer at all (not even an ID could be read). */
export async function resolve(packet: Buffer, state: ResolverState, transport: Transport): Promise<Buffer | undefined> {
  let query: Query;
  try {
    query = parseQuery(packet);
  } catch (error) {
    if (!(error instanceof MalformedMessage)) throw error;
    const id = readId(packet);
    return id === undefined ? undefined : encodeResponse(emptyResponse({ id, opcode: 0, recursionDesired: false, questions: [] }, RCODE.FORMERR));
  }
  if (query.opcode !== OPCODE_QUERY) return encodeResponse(emptyResponse(query, RCODE.NOTIMP));
  const question = query.questions[0];
  if (query.questions.length !== 1 || !question) return encodeResponse(emptyResponse(query, RCODE.FORMERR));

  const limit = transport === 'tcp' ? 65535 : Math.min(query.ednsUdpSize ?? UDP_LIMIT, EDNS_UDP_SIZE);
  const edns = query.ednsUdpSize ? { ednsUdpSize: EDNS_UDP_SIZE } : {};
  if (question.class === CLASS_IN && question.type !== TYPE.OPT && state.zone.covers(question.name)) {
    const answer = state.zone.answer(question.name, question.type);
    return encodeResponse({ ...emptyResponse(query, answer.rcode), ...answer, authoritative: true, ...edns }, limit);
  }
  if (state.upstream.length > 0) {
    return (await forwardQuery(packet, state.upstream, transport)) ?? encodeResponse({ ...emptyResponse(query, RCODE.SERVFAIL), ...edns }, limit);
  }
  return encodeResponse({ ...emptyResponse(query, RCODE.NXDOMAIN), ...edns }, limit);
}

function emptyResponse(query: Pick<Query, 'id' | 'opcode' | 'recursionDesired' | 'questions'>, rcode: number): Response {
  return {
    id: query.id,
    opcode: query.opcode,
    rcode,
    authoritative: false,
    recursionDesired: query.recursionDesired,
    questions: query.questions,
    answers: [],
    authority: [],
    additional: [],
  };
}
