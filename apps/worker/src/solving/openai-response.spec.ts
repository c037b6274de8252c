import { describe, expect, it } from '@jest/globals';
import { errorMessageOf, parseChatCompletion, parseUsage } from './openai-response.js';

const completion = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    id: 'c1',
    object: 'chat.completion',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Forty-two.' }, finish_reason: 'stop' }],
    ...over,
  });

describe('reading a chat-completions answer', () => {
  it('takes the first choice and the usage', () => {
    expect(parseChatCompletion(completion({ usage: { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13 } }))).toEqual({
      ok: true,
      text: 'Forty-two.',
      usage: { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13 },
    });
  });

  it('reports no usage as null rather than inventing numbers, and sums a missing total', () => {
    expect(parseChatCompletion(completion())).toEqual({ ok: true, text: 'Forty-two.', usage: null });
    expect(parseUsage({ prompt_tokens: 4, completion_tokens: 5 })).toEqual({ prompt_tokens: 4, completion_tokens: 5, total_tokens: 9 });
    expect(parseUsage({ total_tokens: 7 })).toEqual({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 7 });
    for (const none of [undefined, null, 'lots', {}, { total_tokens: -1 }, { total_tokens: 'many' }]) expect(parseUsage(none)).toBeNull();
  });

  it('joins text parts when content is a list', () => {
    const body = JSON.stringify({
      choices: [{ message: { content: [{ type: 'text', text: 'a' }, { type: 'image' }, { type: 'text', text: 'b' }] } }],
    });
    expect(parseChatCompletion(body)).toMatchObject({ ok: true, text: 'ab' });
  });

  it('names what is wrong with a body that is not a chat completion', () => {
    expect(parseChatCompletion('<html>502 Bad Gateway</html>')).toEqual({ ok: false, problem: 'a body that is not JSON' });
    expect(parseChatCompletion('')).toEqual({ ok: false, problem: 'an empty body' });
    expect(parseChatCompletion('[1]')).toEqual({ ok: false, problem: 'JSON that is not an object' });
    expect(parseChatCompletion('{"choices": []}')).toEqual({ ok: false, problem: 'no choices' });
    expect(parseChatCompletion('{"object": "list"}')).toEqual({ ok: false, problem: 'no choices' });
    expect(parseChatCompletion('{"choices": [{"text": "legacy"}]}')).toEqual({ ok: false, problem: 'a choice without a message' });
    expect(parseChatCompletion('{"choices": [{"message": {"content": "  "}, "finish_reason": "length"}]}')).toEqual({
      ok: false,
      problem: 'an empty answer (finish_reason length)',
    });
    expect(parseChatCompletion('{"choices": [{"message": {"content": null}}]}')).toEqual({ ok: false, problem: 'an empty answer' });
  });

  it('finds the message in the error bodies of OpenAI, Ollama, vLLM and FastAPI servers', () => {
    expect(errorMessageOf('{"error": {"message": "invalid api key", "type": "auth"}}')).toBe('invalid api key');
    expect(errorMessageOf('{"error": "model \\"llama9\\" not found"}')).toBe('model "llama9" not found');
    expect(errorMessageOf('{"object": "error", "message": "context too long"}')).toBe('context too long');
    expect(errorMessageOf('{"detail": [{"msg": "field required"}]}')).toBe('[{"msg":"field required"}]');
    expect(errorMessageOf('upstream connect error')).toBe('upstream connect error');
  });
});
