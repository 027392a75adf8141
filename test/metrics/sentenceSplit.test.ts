import { describe, expect, it } from 'vitest';
import { sentencePerLine, splitSentences } from '../../src/metrics/sentenceSplit.ts';

describe('splitSentences', () => {
  it('breaks after . ! ? before a capital or a digit, keeping closing quotes and brackets', () => {
    expect(splitSentences('It rained. Then it stopped! Why? 2015 was dry. He said "hi." She left (quickly.) The end')).toEqual([
      'It rained.',
      'Then it stopped!',
      'Why?',
      '2015 was dry.',
      'He said "hi."',
      'She left (quickly.)',
      'The end',
    ]);
  });

  it('does not break after abbreviations, initials and initialisms, nor before a lower-case word', () => {
    expect(splitSentences('Mr. Smith met Dr. Jones and Gov. Brown in Jan. 2015. U.S. forces left at 3 p.m. on Monday. J. K. Rowling wrote it.')).toEqual([
      'Mr. Smith met Dr. Jones and Gov. Brown in Jan. 2015.',
      'U.S. forces left at 3 p.m. on Monday.',
      'J. K. Rowling wrote it.',
    ]);
    expect(splitSentences('See e.g. the list. Visit Amazon.com today. It costs 3.5 dollars.')).toEqual([
      'See e.g. the list.',
      'Visit Amazon.com today.',
      'It costs 3.5 dollars.',
    ]);
  });

  it('treats "No." as an abbreviation only before a number', () => {
    expect(splitSentences('No. 10 said no. The talks ended.')).toEqual(['No. 10 said no.', 'The talks ended.']);
  });

  it('breaks glued sentences (XSum lost its paragraph breaks), with the quote on the right side', () => {
    expect(splitSentences('Ireland made 165-5 in Greater Noida.It was not enough.')).toEqual(['Ireland made 165-5 in Greater Noida.', 'It was not enough.']);
    // A quote after the period opens the next sentence unless one is open.
    expect(splitSentences('"We fell short," said Porterfield."As well as we played, we lost."Next week')).toEqual([
      '"We fell short," said Porterfield.',
      '"As well as we played, we lost."',
      'Next week',
    ]);
    expect(splitSentences('after "months of stress".More on this story.')).toEqual(['after "months of stress".', 'More on this story.']);
  });

  it('closes a quoted sentence before a space even when the quote opened in an earlier sentence', () => {
    expect(splitSentences('"We won. We are happy." He smiled.')).toEqual(['"We won.', 'We are happy."', 'He smiled.']);
  });

  it('always breaks at line breaks, and drops empty lines and edge spaces', () => {
    expect(splitSentences(' First line\n\nSecond line. Third one \r\n')).toEqual(['First line', 'Second line.', 'Third one']);
    expect(splitSentences('')).toEqual([]);
  });

  it('sentencePerLine puts one sentence on each line (ROUGE-Lsum input)', () => {
    expect(sentencePerLine('One. Two? Three!')).toBe('One.\nTwo?\nThree!');
  });
});
