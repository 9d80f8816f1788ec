namespace Subquad.Embeddings;
